package io.digitstream.cli;

import java.io.Console;

/**
 * Whether the standard output is a terminal a person watches: only then is progress redrawn in
 * place with carriage returns; a log file or a container's log gets plain lines.
 */
public final class Terminals {
    private Terminals() {}

    public static boolean standardOutputIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false; // Java 17..21: no console unless both standard input and output are terminals
        }
        try {
            // Java 22 and later return a console even when redirected, and say whether it is a terminal
            return (boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
