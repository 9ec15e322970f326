package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcPausesTest {
    @Test
    void aCollectionIsHeardOfWithItsWallClockTimes() throws InterruptedException {
        long before = System.currentTimeMillis();
        List<GcPauses.Pause> pauses;
        try (GcPauses listening = GcPauses.listen()) {
            System.gc();
            pauses = listening.pauses();
        }
        long after = System.currentTimeMillis();

        assertThat(pauses).isNotEmpty();
        // the collectors' clock has millisecond steps from the JVM's start: a step of slack each side
        assertThat(pauses).allSatisfy(pause -> {
            assertThat(pause.startMs()).isBetween(before - 1, after + 1);
            assertThat(pause.endMs()).isBetween(pause.startMs(), after + 1);
        });
    }

    /** What another JVM runs: one full collection, which G1 logs as a pause. */
    static final class CollectOnce {
        public static void main(String[] args) {
            System.gc();
        }
    }

    @Test
    void anotherJvmsPausesAreReadFromTheLogItWasToldToWrite(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gc.log");
        long before = System.currentTimeMillis();
        Process jvm = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        GcPauses.logFlag(log),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CollectOnce.class.getName())
                .inheritIO()
                .start();
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long after = System.currentTimeMillis();

        List<GcPauses.Pause> pauses = GcPauses.fromLog(log, before, after);
        assertThat(pauses).isNotEmpty().allSatisfy(pause -> {
            assertThat(pause.endMs()).isBetween(before, after);
            assertThat(pause.startMs()).isLessThanOrEqualTo(pause.endMs());
        });
        assertThat(GcPauses.fromLog(log, after + 1, after + 60_000)).isEmpty();
        assertThat(GcPauses.fromLog(dir.resolve("none.log"), before, after)).isEmpty();
        assertThat(Files.readString(log)).contains("Pause");
    }
}
