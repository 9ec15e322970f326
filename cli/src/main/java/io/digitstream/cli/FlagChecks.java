package io.digitstream.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of flag values that picocli's types cannot express, said as a usage error (one line, exit
 * 2) before a command connects to anything; one wording for every command.
 */
public final class FlagChecks {
    private FlagChecks() {}

    /** Refuses {@code value} below {@code least}: "--flag must be at least 1, not 0". */
    public static void atLeast(CommandSpec command, String flag, long value, long least) {
        if (value < least) {
            throw new ParameterException(command.commandLine(), flag + " must be at least " + least + ", not " + value);
        }
    }
}
