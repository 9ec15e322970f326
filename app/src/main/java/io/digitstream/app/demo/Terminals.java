package io.digitstream.app.demo;

import java.io.Console;

/** Whether the standard output is a terminal a person watches. */
final class Terminals {
    private Terminals() {}

    static boolean standardOutputIsTerminal() {
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
