package io.digitstream.app.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.cli.CommandLines;
import io.digitstream.schemas.snapshot.SigningKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's mistakes with the classifier: one line, exit 2, decided before anything connects. The
 * cluster named here does not answer (a port nobody listens on), so a command that tried to reach
 * it first would wait out its start-up timeout and answer about the cluster instead.
 */
@Timeout(30)
class ClassifierCommandTest {
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int run(String... flags) throws Exception {
        Path key = Files.writeString(
                dir.resolve("trainer.pub"), SigningKey.generate().publicPem());
        String[] args = new String[flags.length + 4];
        args[0] = "--trusted-keys";
        args[1] = key.toString();
        args[2] = "--bootstrap-servers";
        args[3] = nobodyListening();
        System.arraycopy(flags, 0, args, 4, flags.length);
        var commandLine = CommandLines.of(new ClassifierCommand());
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String nobodyListening() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private String firstLine() {
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        return err.toString().lines().findFirst().orElseThrow();
    }

    @Test
    void anUncertaintyThresholdOutsideZeroToOneIsOneLineBeforeConnecting() throws Exception {
        long started = System.nanoTime();

        assertThat(run("--uncertain-below", "1.5")).isEqualTo(2);

        assertThat(firstLine()).endsWith("--uncertain-below must be a confidence from 0 to 1, not 1.5");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aNegativeWarmUpCountIsOneLineBeforeConnecting() throws Exception {
        long started = System.nanoTime();

        assertThat(run("--warm-up-images", "-5")).isEqualTo(2);

        assertThat(firstLine()).endsWith("--warm-up-images must be 0 or more, not -5");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anUnknownEngineNamesTheChoices() throws Exception {
        assertThat(run("--engine", "tensorrt")).isEqualTo(2);

        assertThat(firstLine()).endsWith("unknown engine 'tensorrt' (onnx, onnx-int8 or auto)");
    }

    @Test
    void negativeInferenceThreadsAreOneLine() throws Exception {
        assertThat(run("--inference-threads", "-1")).isEqualTo(2);

        assertThat(firstLine()).endsWith("--inference-threads must be 0 or more");
    }

    @Test
    void anUnknownInferenceParallelismNamesTheChoices() throws Exception {
        assertThat(run("--inference-parallelism", "threads")).isEqualTo(2);

        assertThat(firstLine()).endsWith("inference parallelism must be batch or operator, not 'threads'");
    }
}
