package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerWatchTest {
    @Test
    void readsTheRunningTotalOfTimeARunnableThreadWaitedForACore() {
        String pressure = "some avg10=11.09 avg60=37.78 avg300=46.04 total=3116304746\n"
                + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

        assertThat(SchedulerWatch.someTotal(pressure)).contains(3_116_304_746L);
        assertThat(SchedulerWatch.someTotal("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"))
                .isEmpty();
    }

    @Test
    void aLateWakeUpIsTheMachinesStallOnlyWhenTheGuestDidNotKeepTheThreadWaiting() {
        assertThat(SchedulerWatch.machineStall(8_000, 1_000)).isTrue();
        assertThat(SchedulerWatch.machineStall(8_000, 6_000)).isFalse(); // waited for a core in the guest
        assertThat(SchedulerWatch.machineStall(3_000, 0)).isFalse(); // timer slack
    }

    @Test
    void thePressureShareOfAnIntervalIsReadBetweenSamples() {
        // 10 ms with a thread waiting throughout, then 10 ms with none
        var trace =
                new SchedulerWatch.Trace(new long[] {1_000, 1_010, 1_020}, new long[] {500, 10_500, 10_500}, List.of());

        assertThat(trace.pressureShare(1_000, 1_010)).isEqualTo(1.0);
        assertThat(trace.pressureShare(1_010, 1_020)).isZero();
        assertThat(trace.pressureShare(1_005, 1_015)).isEqualTo(0.5);
        assertThat(trace.pressureShare(990, 1_010)).isNaN();
        assertThat(SchedulerWatch.Trace.NONE.pressureShare(1_000, 1_010)).isNaN();
    }

    @Test
    void samplesThePressureWhereTheKernelKeepsIt() throws Exception {
        boolean kept = Files.isReadable(Path.of("/proc/pressure/cpu"))
                && Files.isReadable(Path.of("/proc/thread-self/schedstat"));
        var watch = SchedulerWatch.start();
        long until = System.currentTimeMillis() + 5 * SchedulerWatch.PRESSURE_SAMPLE_MS;
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > until);
        SchedulerWatch.Trace trace = watch.stop();

        assertThat(trace.hasPressure()).isEqualTo(kept);
        if (kept) {
            long[] total = trace.pressureMicros();
            assertThat(total[total.length - 1]).isGreaterThanOrEqualTo(total[0]);
        }
    }
}
