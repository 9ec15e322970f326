package io.digitstream.app.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.cli.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A user's mistakes with the producer: one line, exit 2, decided before anything connects. The
 * cluster named here does not answer (a port nobody listens on), so a command that tried to reach
 * it first would wait out its timeout and answer about the cluster instead.
 */
@Timeout(30)
class ProducerCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var commandLine = CommandLines.of(new ProducerCommand());
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String nobodyListening() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void aCountPastTheDataSetIsOneLineBeforeConnecting() throws Exception {
        long started = System.nanoTime();

        int exit = run("replay", "--fixture", "--count", "1500", "--bootstrap-servers", nobodyListening());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElseThrow())
                .isEqualTo("replay: the data set has 1,000 images (0..999); --from 0 --count 1500 asks for 0..1499");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aMissingFileIsNamedBeforeConnecting() throws Exception {
        int exit = run("send", "missing.png", "--bootstrap-servers", nobodyListening());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElseThrow()).isEqualTo("send: missing.png: no such file");
    }

    @Test
    void aNegativeRateIsOneLineBeforeConnecting() throws Exception {
        int exit = run("replay", "--fixture", "--rate", "-5", "--bootstrap-servers", nobodyListening());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElseThrow())
                .isEqualTo("replay: --rate: -5.0 images a second cannot be (0 = as fast as possible)");
    }

    @Test
    void aStartPastTheDataSetSaysSo() throws Exception {
        int exit = run("replay", "--fixture", "--from", "2000", "--bootstrap-servers", nobodyListening());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElseThrow())
                .isEqualTo("replay: the data set has 1,000 images (0..999); --from 2000 is outside it");
    }
}
