package io.digitstream.app.demo;

import io.digitstream.cli.Terminals;
import java.io.PrintStream;

/**
 * The demo's terminal: lines that stay (what happened), and one live block (the table) that is
 * redrawn in place on a terminal. Piped to a file, there are no escape codes: the block is printed
 * as plain lines, every {@link #PLAIN_BLOCK_INTERVAL_MS} at most so a log stays short.
 */
public final class DemoView {
    static final long PLAIN_BLOCK_INTERVAL_MS = 10_000;
    private static final String PREVIOUS_LINE = "\033[%dF";
    private static final String CLEAR_TO_END = "\033[J";

    private final PrintStream out;
    private final PrintStream err;
    private final boolean inPlace;
    private String block = "";
    private int blockLines;
    private long lastPlainBlock;

    /** @param inPlace redraw the block in place (a terminal), or print plain lines */
    public DemoView(PrintStream out, PrintStream err, boolean inPlace) {
        this.out = out;
        this.err = err;
        this.inPlace = inPlace;
    }

    /** On the standard streams: in place when the output is a terminal. */
    public static DemoView onStandardStreams() {
        return new DemoView(System.out, System.err, Terminals.standardOutputIsTerminal());
    }

    /** A line that stays, printed above the live block. */
    public synchronized void line(String text) {
        erase();
        out.println(text);
        draw();
    }

    /** A warning, on the error stream, above the live block. */
    public synchronized void warning(String text) {
        erase();
        out.flush();
        err.println(text);
        err.flush();
        draw();
    }

    /** Replaces the live block. */
    public synchronized void block(String text) {
        if (inPlace) {
            erase();
            block = text.endsWith("\n") ? text : text + "\n";
            draw();
        } else {
            long now = System.currentTimeMillis();
            if (now - lastPlainBlock >= PLAIN_BLOCK_INTERVAL_MS) {
                lastPlainBlock = now;
                out.print(text.endsWith("\n") ? text : text + "\n");
                out.flush();
            }
        }
    }

    /** Leaves the block as it is on screen; what follows prints below it. */
    public synchronized void release() {
        block = "";
        blockLines = 0;
    }

    private void erase() {
        if (inPlace && blockLines > 0) {
            out.print(String.format(PREVIOUS_LINE, blockLines) + CLEAR_TO_END);
        }
        blockLines = 0;
    }

    private void draw() {
        if (inPlace && !block.isEmpty()) {
            out.print(block);
            blockLines = (int) block.chars().filter(c -> c == '\n').count();
        }
        out.flush();
    }
}
