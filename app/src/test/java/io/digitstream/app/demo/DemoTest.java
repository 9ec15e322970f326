package io.digitstream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.testing.BrokerTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's own code path, short: its embedded broker, the fixture, a paced replay that spans several snapshots. */
@BrokerTest
class DemoTest {
    @TempDir
    Path work;

    @Test
    void theQuickDemoPredictsEveryImageAndSeesAHotSwap() throws Exception {
        var settings = new DemoSettings(
                Optional.empty(),
                true,
                work.resolve("unused-data"),
                Files.createDirectories(work),
                400,
                20,
                3,
                1,
                32,
                false,
                Duration.ofMinutes(4),
                "demo-test-",
                0,
                Optional.empty());
        var output = new ByteArrayOutputStream();

        DemoSummary summary = new Demo(
                        settings,
                        new DemoView(new PrintStream(output, true, StandardCharsets.UTF_8), System.err, false))
                .run();

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(summary.sent()).isEqualTo(400);
        assertThat(summary.everyImagePredicted()).as(printed).isTrue();
        assertThat(summary.hotSwapsSeen()).as(printed).isGreaterThanOrEqualTo(1);
        assertThat(summary.accuracy().keySet()).containsAll(summary.versionsServing());
        assertThat(summary.accuracy().values().stream().mapToLong(r -> r.seen()).sum())
                .isEqualTo(400);
        assertThat(printed.lines().findFirst().orElseThrow())
                .as("the console's address comes first")
                .startsWith("Console: http://localhost:");
        assertThat(printed)
                .doesNotContain("\033[")
                .contains("Summary: 400 images sent, 400 predicted (all)")
                .contains("trainer: published v1");
    }
}
