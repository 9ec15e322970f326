package io.digitstream.app.command;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a command a person watches (the demo): the log goes to a file, and the terminal keeps only
 * our warnings and every error, one line each (their stack traces are in the file). Services keep logging to
 * the standard streams, where their container's logging picks them up.
 */
public final class LogFile {
    private static final String FILE_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n";
    private static final String TERMINAL_PATTERN = "%-5level %logger{0}: %replace(%msg){'[\\r\\n]+', ' '}%nopex%n";

    private LogFile() {}

    /**
     * Sends everything logged from now on to {@code file}; our warnings and every error also go, one
     * line each, to {@code terminal} instead of the standard streams.
     */
    public static void redirectTo(Path file, Consumer<String> terminal) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: leave its configuration alone
        }
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);

        var fileAppender = new FileAppender<ILoggingEvent>();
        fileAppender.setContext(context);
        fileAppender.setName("FILE");
        fileAppender.setFile(file.toString());
        fileAppender.setEncoder(encoder(context, FILE_PATTERN));
        fileAppender.start();

        var layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(TERMINAL_PATTERN);
        layout.start();
        var lines = new AppenderBase<ILoggingEvent>() {
            @Override
            protected void append(ILoggingEvent event) {
                terminal.accept(layout.doLayout(event).stripTrailing());
            }
        };
        lines.setContext(context);
        lines.setName("TERMINAL");
        lines.addFilter(new OursOrErrors());
        lines.start();

        root.detachAppender("CONSOLE");
        root.addAppender(fileAppender);
        root.addAppender(lines);
    }

    /**
     * Our warnings and everyone's errors. Kafka warns of routine things at start-up (a new controller
     * log, a topic not created yet, a temporary state directory); those go to the file only.
     */
    private static final class OursOrErrors extends Filter<ILoggingEvent> {
        private static final String OURS = "io.digitstream";

        OursOrErrors() {
            start();
        }

        @Override
        public FilterReply decide(ILoggingEvent event) {
            boolean shown = event.getLevel().isGreaterOrEqual(Level.ERROR)
                    || (event.getLevel().isGreaterOrEqual(Level.WARN)
                            && event.getLoggerName().startsWith(OURS));
            return shown ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
