package io.digitstream.benchmarks.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux's /proc says of a child process: the benchmark counts CPU per process, as a deployment would. */
final class ProcStat {
    private static final long PAGE_BYTES = 4096;

    private ProcStat() {}

    /** User plus system CPU nanoseconds of {@code pid} so far, or 0 where /proc is not there. */
    static long cpuNanos(long pid) {
        String[] fields = statFields(pid);
        return fields == null
                ? 0
                : (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * CpuLedger.NANOS_PER_TICK;
    }

    /**
     * CPU nanoseconds the JIT compilers of the JVM {@code pid} have used so far: its threads named
     * as HotSpot names them ({@code C1 CompilerThread0}, cut by Linux to 15 characters), 0 where
     * /proc is not there.
     */
    static long compilerNanos(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.mapToLong(task -> {
                        try {
                            String stat = Files.readString(task.resolve("stat"));
                            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                                return 0;
                            }
                            String[] fields =
                                    stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * CpuLedger.NANOS_PER_TICK;
                        } catch (IOException | RuntimeException e) {
                            return 0; // the thread ended meanwhile
                        }
                    })
                    .sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Resident set size of {@code pid} in bytes, or 0 where /proc is not there. */
    static long residentBytes(long pid) {
        String[] fields = statFields(pid);
        return fields == null ? 0 : Long.parseLong(fields[21]) * PAGE_BYTES;
    }

    /** The fields after the parenthesised command name: field 3 of proc(5) is index 0. */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
