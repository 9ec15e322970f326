package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunTest {
    @Test
    void theTailsShareInPausesCountsTheSlowestImagesInFlightDuringOne() {
        // 100 images, each emitted 5 ms after its send, but for two slow ones
        long[] sent = sentEveryMillisecond(100, 1_000);
        long[] emitted = emittedAfter(sent, 5);
        emitted[10] = sent[10] + 50; // in flight during the pause at 1,030
        emitted[80] = sent[80] + 50; // slow with no pause near
        var pause = new GcPauses.Pause(1_030, 1_040);

        assertThat(run(sent, emitted, List.of(pause)).tailShareInGcPauses()).isEqualTo(0.5);
        assertThat(run(sent, emitted, List.of()).tailShareInGcPauses()).isZero();
        assertThat(run(sent, emitted, List.of(pause)).gcPauseMillis()).isEqualTo(10);
        assertThat(run(sent, emitted, List.of()).tailShareIn(List.of(new GcPauses.Pause(1_085, 1_086))))
                .isEqualTo(0.5);
    }

    @Test
    void theTailsWindowsSayWhetherTheSlowestImagesCameInSpells() {
        // 1,000 images (ten 100 ms windows), each 5 ms, but for twelve slow ones
        long[] sent = sentEveryMillisecond(1_000, 10_000);
        long[] emitted = emittedAfter(sent, 5);
        for (int i = 300; i < 310; i++) {
            emitted[i] = sent[i] + 40; // one spell, in the fourth window
        }
        emitted[850] = sent[850] + 40;
        emitted[851] = sent[851] + 40;

        assertThat(run(sent, emitted, List.of()).tailWindows(100)).containsExactly(2, 10);
        assertThat(run(new long[0], new long[0], List.of()).tailWindows(100)).containsExactly(0, 0);
    }

    @Test
    void theTailsPressureIsWhatTheSlowestImagesMetInFlight() {
        long[] sent = sentEveryMillisecond(100, 1_000);
        long[] emitted = emittedAfter(sent, 5);
        emitted[10] = sent[10] + 50; // in flight 1,010-1,060: pressed from 1,030 to 1,060
        emitted[80] = sent[80] + 50; // in flight 1,080-1,130: no pressure
        // a thread waited for a core from 1,030 to 1,060 and at no other time, sampled every 10 ms
        long[] at = new long[21];
        long[] total = new long[21];
        for (int i = 0; i < at.length; i++) {
            at[i] = 1_000 + 10L * i;
            total[i] = 1_000 * Math.max(0, Math.min(at[i], 1_060) - 1_030);
        }
        var trace = new SchedulerWatch.Trace(at, total, List.of());

        Run run = run(sent, emitted, List.of(), trace);
        assertThat(run.tailPressure()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(run.pressure()).isCloseTo(0.15, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(run(sent, emitted, List.of()).tailPressure()).isNaN();
    }

    private static long[] sentEveryMillisecond(int images, long firstMs) {
        return java.util.stream.LongStream.range(firstMs, firstMs + images).toArray();
    }

    private static long[] emittedAfter(long[] sent, long latencyMs) {
        return java.util.Arrays.stream(sent).map(ms -> ms + latencyMs).toArray();
    }

    private static Run run(long[] sent, long[] emitted, List<GcPauses.Pause> pauses) {
        return run(sent, emitted, pauses, SchedulerWatch.Trace.NONE);
    }

    private static Run run(long[] sent, long[] emitted, List<GcPauses.Pause> pauses, SchedulerWatch.Trace scheduling) {
        return new Run(
                sent.length,
                0,
                sent,
                emitted,
                emitted,
                0,
                new long[0],
                Map.of(),
                1,
                0,
                0,
                0,
                null,
                Map.of(),
                pauses,
                Map.of(),
                scheduling);
    }
}
