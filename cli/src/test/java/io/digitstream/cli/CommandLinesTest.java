package io.digitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** A failure is one line and exit 1; a file that is not there is named, with what is wrong. */
class CommandLinesTest {
    @TempDir
    Path directory;

    @Command(name = "write")
    static final class Write implements Callable<Integer> {
        Path target;

        @Override
        public Integer call() throws Exception {
            Files.writeString(target, "x");
            return 0;
        }
    }

    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        RuntimeException failure;

        @Override
        public Integer call() {
            throw failure;
        }
    }

    /** What CommandLines logs at ERROR (with its stack trace) while {@code failure} ends a command. */
    private static java.util.List<ILoggingEvent> errorsLoggedFor(RuntimeException failure) {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        var logger = (Logger) LoggerFactory.getLogger(CommandLines.class);
        logger.addAppender(appender);
        try {
            var fail = new Fail();
            fail.failure = failure;
            var commandLine = CommandLines.of(fail);
            commandLine.setErr(new PrintWriter(new StringWriter(), true));
            assertThat(commandLine.execute()).isEqualTo(1);
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    }

    @Test
    void aClusterThatDoesNotAnswerIsTheOneLineWithoutAStackTraceButABugKeepsIts() {
        var silence = new IllegalStateException(
                "No answer from the Kafka cluster within PT30S", new java.util.concurrent.TimeoutException());
        var kafkaSilence = new IllegalStateException(
                "1 of 1 images were not accepted", new org.apache.kafka.common.errors.TimeoutException("metadata"));

        assertThat(errorsLoggedFor(silence)).isEmpty();
        assertThat(errorsLoggedFor(kafkaSilence)).isEmpty();
        assertThat(errorsLoggedFor(new IllegalStateException("a bug"))).hasSize(1);
    }

    @Test
    void aDirectoryThatIsNotThereIsOneLineThatNamesIt() {
        var write = new Write();
        write.target = directory.resolve("missing").resolve("file");
        var err = new StringWriter();
        var commandLine = CommandLines.of(write);
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute();

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip())
                .isEqualTo("write: " + write.target + ": no such file or directory")
                .doesNotContain("\n");
    }
}
