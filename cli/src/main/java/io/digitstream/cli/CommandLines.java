package io.digitstream.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * How every digitstream program reads its command line and reports a mistake: a bad flag or value
 * is one line on stderr and exit code 2, a failure one line and exit code 1; the stack trace goes
 * to the log only.
 */
public final class CommandLines {
    private static final Logger log = LoggerFactory.getLogger(CommandLines.class);

    private CommandLines() {}

    /** A picocli command line for {@code command} that reports mistakes and failures in one line. */
    public static CommandLine of(Object command) {
        return new CommandLine(command)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    log.error("{} failed", commandLine.getCommandName(), e);
                    commandLine.getErr().println(commandLine.getCommandName() + ": " + oneLine(e));
                    return 1;
                })
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine commandLine = e.getCommandLine();
                    commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
                    commandLine
                            .getErr()
                            .println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help'.");
                    return 2;
                });
    }

    /** What went wrong, as one line: the message of the outermost exception that has one. */
    public static String oneLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().lines().findFirst().orElse("");
            }
        }
        return e.getClass().getSimpleName();
    }
}
