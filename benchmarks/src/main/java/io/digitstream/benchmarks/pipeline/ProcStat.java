package io.digitstream.benchmarks.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux's /proc says of a child process: the benchmark counts CPU per process, as a deployment would. */
final class ProcStat {
    private static final long PAGE_BYTES = 4096;

    private ProcStat() {}

    /**
     * One {@code stat} file of proc(5), a process's or a thread's.
     *
     * @param name   the command name, without its parentheses
     * @param fields the fields after it: field 3 of proc(5) is index 0
     */
    private record Stat(String name, String[] fields) {
        long cpuNanos() {
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * CpuLedger.NANOS_PER_TICK;
        }
    }

    /** User plus system CPU nanoseconds of {@code pid} so far, or 0 where /proc is not there. */
    static long cpuNanos(long pid) {
        Stat stat = read(processStat(pid));
        return stat == null ? 0 : stat.cpuNanos();
    }

    /**
     * CPU nanoseconds the JIT compilers of the JVM {@code pid} have used so far: its threads named
     * as HotSpot names them ({@code C1 CompilerThread0}, cut by Linux to 15 characters), 0 where
     * /proc is not there.
     */
    static long compilerNanos(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(task -> read(task.resolve("stat")))
                    .filter(stat -> stat != null
                            && (stat.name().startsWith("C1 CompilerThre")
                                    || stat.name().startsWith("C2 CompilerThre")))
                    .mapToLong(Stat::cpuNanos)
                    .sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Resident set size of {@code pid} in bytes, or 0 where /proc is not there. */
    static long residentBytes(long pid) {
        Stat stat = read(processStat(pid));
        return stat == null ? 0 : Long.parseLong(stat.fields()[21]) * PAGE_BYTES;
    }

    private static Path processStat(long pid) {
        return Path.of("/proc", Long.toString(pid), "stat");
    }

    /** The stat file at {@code path}, or null where it is not there (the process or thread has ended). */
    private static Stat read(Path path) {
        try {
            String stat = Files.readString(path);
            int close = stat.lastIndexOf(')');
            return new Stat(
                    stat.substring(stat.indexOf('(') + 1, close),
                    stat.substring(close + 2).split(" "));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
