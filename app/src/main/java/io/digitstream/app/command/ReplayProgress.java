package io.digitstream.app.command;

import io.digitstream.producer.replay.Replayer;
import java.io.PrintStream;
import java.util.Locale;

/**
 * How far a replay is: redrawn in place on a terminal, a plain line every ten seconds elsewhere
 * (a container's log, a file), so a long replay never floods a log with carriage returns.
 */
final class ReplayProgress implements Replayer.Progress {
    private static final long LINE_EVERY_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastLine = System.nanoTime();
    private boolean drawn;

    ReplayProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void sent(long sent, long total, double perSecond) {
        String line = String.format(Locale.ROOT, "sent %,d/%,d  %,.0f images/s", sent, total, perSecond);
        if (terminal) {
            out.print("\r" + line);
            drawn = true;
        } else if (System.nanoTime() - lastLine >= LINE_EVERY_NANOS) {
            out.println(line);
            lastLine = System.nanoTime();
        }
        out.flush();
    }

    /** Ends the line drawn in place, if any. */
    void done() {
        if (drawn) {
            out.println();
        }
    }
}
