package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

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
        } else {
            assertThat(compilers).isZero();
        }
        assertThat(ProcStat.compilerNanos(Long.MAX_VALUE)).isZero();
    }
}
