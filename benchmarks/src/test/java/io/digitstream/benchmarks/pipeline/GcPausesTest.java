package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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

    @Test
    void theTailsShareInPausesCountsTheSlowestImagesInFlightDuringOne() {
        // 100 images sent a millisecond apart, each emitted 5 ms later, but for two slow ones
        long[] sent = new long[100];
        long[] emitted = new long[100];
        for (int i = 0; i < 100; i++) {
            sent[i] = 1_000 + i;
            emitted[i] = sent[i] + 5;
        }
        emitted[10] = sent[10] + 50; // in flight during the pause at 1,030
        emitted[80] = sent[80] + 50; // slow with no pause near
        var pause = new GcPauses.Pause(1_030, 1_040);

        assertThat(run(sent, emitted, List.of(pause)).tailShareInGcPauses()).isEqualTo(0.5);
        assertThat(run(sent, emitted, List.of()).tailShareInGcPauses()).isZero();
        assertThat(run(sent, emitted, List.of(pause)).gcPauseMillis()).isEqualTo(10);
    }

    private static Run run(long[] sent, long[] emitted, List<GcPauses.Pause> pauses) {
        return new Run(
                sent.length, 0, sent, emitted, emitted, 0, new long[0], Map.of(), 1, 0, 0, 0, null, Map.of(), pauses);
    }
}
