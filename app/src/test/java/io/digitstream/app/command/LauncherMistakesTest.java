package io.digitstream.app.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.app.Digitstream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A user's mistakes with the commands that had no test of their own, through the launcher as a
 * person types them: one line and exit 2, before anything starts. Without the checks the demo
 * would start a broker and a console (and this test time out), the broker and health would end
 * in a stack trace; topics would wait for a cluster with no time to wait (exit 1), and the
 * accuracy commands would wait 30 s for one that is not there.
 */
@Timeout(30)
class LauncherMistakesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "demo --rate -5 | demo: --rate: -5.0 images a second cannot be (0 = as fast as possible)",
                "demo --images 0 | demo: --images must be at least 1, not 0",
                "demo --epochs 0 | demo: --epochs must be at least 1, not 0",
                "demo --console-port 70000 | demo: --console-port must be -1 (no console) or 0..65535, not 70000",
                "broker --port -3 | broker: --port must be 0..65535, not -3",
                "health classifier --timeout-ms -1 | health: --timeout-ms must be at least 1, not -1",
                "topics --partitions 0 --bootstrap-servers 127.0.0.1:1 | topics: partitions must be at least 1, not 0",
                "topics --timeout-s 0 --bootstrap-servers 127.0.0.1:1 | topics: --timeout-s must be at least 1, not 0",
                "accuracy run --window 0 --bootstrap-servers 127.0.0.1:1 | run: --window must be at least 1, not 0",
                "accuracy follow --interval-ms 0 --bootstrap-servers 127.0.0.1:1"
                        + " | follow: --interval-ms must be at least 1, not 0",
            })
    void aMistakeIsOneLineAndExitTwo(String command, String line) {
        var err = new StringWriter();
        var launcher = Digitstream.commandLine();
        launcher.setErr(new PrintWriter(err, true));

        int exit = launcher.execute(command.split(" "));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(err.toString().lines().findFirst().orElseThrow()).isEqualTo(line);
    }
}
