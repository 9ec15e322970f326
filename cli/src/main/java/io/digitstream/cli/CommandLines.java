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
        return of(command, java.util.List.of());
    }

    /**
     * The same, with {@code subcommands} added to those the command declares: for launchers that
     * share a list of commands (added before the handlers, which picocli gives only to the
     * subcommands present when they are set).
     */
    public static CommandLine of(Object command, java.util.List<Class<?>> subcommands) {
        CommandLine launcher = new CommandLine(command);
        subcommands.forEach(launcher::addSubcommand);
        return launcher.setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    if (isInputOutput(e) || isClusterSilence(e)) {
                        // a file or directory that is not there or not ours, or a cluster that does not
                        // answer: the line below says it all, and the log is often this same terminal
                        log.debug("{} failed", commandLine.getCommandName(), e);
                    } else {
                        log.error("{} failed", commandLine.getCommandName(), e);
                    }
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

    private static boolean isInputOutput(Throwable e) {
        return e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException;
    }

    /** A Kafka cluster that did not answer in time: the address or the broker, not a bug of ours. */
    private static boolean isClusterSilence(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** What went wrong, as one line: the message of the outermost exception that has one. */
    public static String oneLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.FileSystemException fs) {
                return fileProblem(fs);
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().lines().findFirst().orElse("");
            }
        }
        return e.getClass().getSimpleName();
    }

    /** A file system's refusal as a person says it: the path, then what is wrong with it. */
    private static String fileProblem(java.nio.file.FileSystemException e) {
        String what;
        if (e instanceof java.nio.file.NoSuchFileException) {
            what = "no such file or directory";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            what = "permission denied";
        } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
            what = "already exists";
        } else if (e instanceof java.nio.file.NotDirectoryException) {
            what = "not a directory";
        } else {
            what = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        }
        return (e.getFile() == null ? "" : e.getFile() + ": ") + what;
    }
}
