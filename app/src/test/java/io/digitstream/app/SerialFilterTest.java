package io.digitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serialization filter as a user's process gets it. Surefire runs every test with
 * {@code -Djdk.serialFilter=!*}, so a test in this JVM cannot tell whether the launcher installs the
 * filter itself; a JVM started as the launcher starts it, without that flag, can.
 * ({@code .ci/container-check} checks the image's {@code JAVA_OPTS} the same way.)
 */
class SerialFilterTest {
    @TempDir
    Path dir;

    @Test
    void aJvmStartedWithoutTheFlagRefusesJavaDeserializationOnceDigitstreamStarts() throws Exception {
        Path log = dir.resolve("version.log");
        Process process = LauncherProcess.start(log, "--version");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(log))
                .as(LauncherProcess.tail(log))
                .contains("Java deserialization: refused (filter !* installed at start)");
    }
}
