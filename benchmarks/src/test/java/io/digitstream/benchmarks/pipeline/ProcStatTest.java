package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void countsTheCpuOfAJvmsCompilerThreadsAndOnlyThose() {
        long pid = ProcessHandle.current().pid();
        long compilers = ProcStat.compilerNanos(pid);

        if (Files.isDirectory(Path.of("/proc", Long.toString(pid), "task"))) {
            // starting JUnit alone keeps C1 and C2 busy for well over a clock tick
            assertThat(compilers).isPositive().isLessThan(ProcStat.cpuNanos(pid));
            // this thread's own CPU is not the compilers'
            long spent = burnOwnCpu(300_000_000L);
            assertThat(ProcStat.compilerNanos(pid) - compilers).isLessThan(spent / 2);
        } else {
            assertThat(compilers).isZero();
        }
        assertThat(ProcStat.compilerNanos(Long.MAX_VALUE)).isZero();
    }

    /** Computes on this thread until it has used {@code nanos} of CPU; returns what it used. */
    private static long burnOwnCpu(long nanos) {
        var threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        long x = 1;
        while (threads.getCurrentThreadCpuTime() - start < nanos) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        assertThat(x).isNotZero(); // keeps the loop from being optimised away
        return threads.getCurrentThreadCpuTime() - start;
    }
}
