package io.digitstream.app.command;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogFileTest {
    private final ch.qos.logback.classic.Logger root =
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    private final List<Appender<ILoggingEvent>> before = new ArrayList<>();

    @BeforeEach
    void remember() {
        root.iteratorForAppenders().forEachRemaining(before::add);
    }

    @AfterEach
    void restore() {
        root.detachAndStopAllAppenders();
        before.forEach(appender -> {
            appender.start();
            root.addAppender(appender);
        });
    }

    @Test
    void theFileGetsEverythingAndTheTerminalOurWarningsAndAllErrorsOneLineEach(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("demo.log");
        List<String> terminal = new ArrayList<>();
        LogFile.redirectTo(file, terminal::add);

        LoggerFactory.getLogger("io.digitstream.x.Ours").info("routine");
        LoggerFactory.getLogger("io.digitstream.x.Ours")
                .warn("rejected v5:\nsecond line", new IllegalStateException("why"));
        LoggerFactory.getLogger("org.apache.kafka.Theirs").warn("a routine warning of theirs");
        LoggerFactory.getLogger("org.apache.kafka.Theirs").error("a real error of theirs");

        assertThat(terminal)
                .containsExactly("WARN  Ours: rejected v5: second line", "ERROR Theirs: a real error of theirs");
        String logged = Files.readString(file);
        assertThat(logged)
                .contains("routine", "a routine warning of theirs", "java.lang.IllegalStateException: why")
                .contains("rejected v5:\nsecond line");
    }
}
