package io.digitstream.app.command;

import io.digitstream.cli.Terminals;
import io.digitstream.producer.replay.Replayer;
import java.io.PrintStream;
import java.util.Locale;

/**
 * How far a replay is: redrawn in place on a terminal, a plain line every ten seconds elsewhere
 * (a container's log, a file), so a long replay never floods a log with carriage returns.
 */
final class ReplayProgress implements Replayer.Progress {
    private static final long LINE_EVERY_NANOS = 10_000_000_000L;
    private static final long REDRAW_EVERY_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal = Terminals.standardOutputIsTerminal();
    private long lastLine = System.nanoTime();
    private long lastDrawn;
    private boolean drawn;

    ReplayProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void sent(long sent, long total, double perSecond) {
        long now = System.nanoTime();
        boolean last = sent == total;
        if (terminal && (last || !drawn || now - lastDrawn >= REDRAW_EVERY_NANOS)) {
            out.print("\r" + line(sent, total, perSecond));
            out.flush();
            drawn = true;
            lastDrawn = now;
        } else if (!terminal && now - lastLine >= LINE_EVERY_NANOS) {
            out.println(line(sent, total, perSecond));
            out.flush();
            lastLine = now;
        }
    }

    private static String line(long sent, long total, double perSecond) {
        return String.format(Locale.ROOT, "sent %,d/%,d  %,.0f images/s", sent, total, perSecond);
    }

    /** Ends the line drawn in place, if any. */
    void done() {
        if (drawn) {
            out.println();
        }
    }
}
