package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
