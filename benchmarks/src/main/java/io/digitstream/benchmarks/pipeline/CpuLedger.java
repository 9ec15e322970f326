package io.digitstream.benchmarks.pipeline;

import io.digitstream.model.onnx.BatchHelpers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where a benchmark run's CPU went, by part of the pipeline. The benchmark runs broker, producer,
 * classifier and consumer in one JVM on a small machine, so "is Kafka the limit?" is a question of
 * who used the cores: each Java thread's CPU time is read before and after, and the rest of the
 * process's CPU time is what no Java thread accounts for: the JIT compilers and the garbage
 * collector (read from /proc on Linux) and ONNX Runtime's native thread pool. The engine's helper
 * threads (a batch cut into parts) count as inference with that pool.
 */
final class CpuLedger {
    /** The parts, in the order they are printed. */
    enum Part {
        STREAM_THREAD("stream thread"),
        ONNX_RUNTIME("inference helpers, ONNX Runtime's pool, other native"),
        JIT("JIT compilers"),
        GC("GC threads"),
        CLASSIFIER_PRODUCER("classifier's producer I/O"),
        MODEL_LOADING("model loading (global thread)"),
        CONSOLE("console (with --console)"),
        CLASSIFIER_PROCESS("classifier's own JVM (with --as-deployed)"),
        BROKER("broker and other threads"),
        BENCH_PRODUCER("bench producer"),
        BENCH_CONSUMER("bench consumer");

        final String title;

        Part(String title) {
            this.title = title;
        }
    }

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, Long> threadCpuAtStart = new HashMap<>();
    private final Map<Long, Long> threadAllocatedAtStart = new HashMap<>();
    private final Map<Part, Long> endedAllocated = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Part, Long> allocated = new EnumMap<>(Part.class);
    private final long processCpuAtStart;
    private final Map<Part, Long> jvmThreadsAtStart = jvmThreads();
    private final Map<Part, Long> endedThreads = new java.util.concurrent.ConcurrentHashMap<>();

    /** The thread that started the ledger: the benchmark drains predictions on it. */
    private final long drainThreadId = Thread.currentThread().getId();

    /** CPU of a broker in its own process (0 when the broker runs in this one). */
    private final LongSupplier brokerProcess;

    private final long brokerProcessAtStart;

    /** CPU of a classifier in its own process, or null when it runs in this one. */
    private final LongSupplier classifierProcess;

    private final long classifierProcessAtStart;

    private CpuLedger(LongSupplier brokerProcess, LongSupplier classifierProcess) {
        this.brokerProcess = brokerProcess;
        this.brokerProcessAtStart = brokerProcess.getAsLong();
        this.classifierProcess = classifierProcess;
        this.classifierProcessAtStart = classifierProcess == null ? 0 : classifierProcess.getAsLong();
        for (long id : threads.getAllThreadIds()) {
            threadCpuAtStart.put(id, Math.max(0, threads.getThreadCpuTime(id)));
            threadAllocatedAtStart.put(id, Math.max(0, threads.getThreadAllocatedBytes(id)));
        }
        processCpuAtStart = os.getProcessCpuTime();
    }

    /** @param brokerProcess CPU nanoseconds of a broker in its own process so far, or always 0 */
    static CpuLedger start(LongSupplier brokerProcess) {
        return new CpuLedger(brokerProcess, null);
    }

    /**
     * @param brokerProcess     as {@link #start(LongSupplier)}
     * @param classifierProcess CPU nanoseconds of the classifier's own process so far: this JVM's
     *                          native remainder is then not ONNX Runtime's but the load generator's
     */
    static CpuLedger start(LongSupplier brokerProcess, LongSupplier classifierProcess) {
        return new CpuLedger(brokerProcess, classifierProcess);
    }

    /** A thread that ends before {@link #stop()} reports its own CPU time and allocation here as its last act. */
    void ended(Part part, long cpuNanos, long allocatedBytes) {
        endedThreads.merge(part, cpuNanos, Long::sum);
        endedAllocated.merge(part, allocatedBytes, Long::sum);
    }

    /** What each part allocated on the Java heap between start and {@link #stop()} (native memory not counted). */
    Map<Part, Long> allocatedBytes() {
        return Map.copyOf(allocated);
    }

    /** CPU nanoseconds by part since {@link #start()}. */
    Map<Part, Long> stop() {
        long process = os.getProcessCpuTime() - processCpuAtStart;
        Map<Part, Long> spent = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            spent.put(part, 0L);
        }
        long javaThreads = 0;
        for (Part part : Part.values()) {
            allocated.put(part, endedAllocated.getOrDefault(part, 0L));
        }
        for (var ended : endedThreads.entrySet()) {
            spent.merge(ended.getKey(), ended.getValue(), Long::sum);
            javaThreads += ended.getValue();
        }
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            long delta = cpu - threadCpuAtStart.getOrDefault(info.getThreadId(), 0L);
            Part part = info.getThreadId() == drainThreadId ? Part.BENCH_CONSUMER : partOf(info.getThreadName());
            spent.merge(part, delta, Long::sum);
            long bytes = threads.getThreadAllocatedBytes(info.getThreadId());
            if (bytes >= 0) {
                allocated.merge(
                        part,
                        Math.max(0, bytes - threadAllocatedAtStart.getOrDefault(info.getThreadId(), 0L)),
                        Long::sum);
            }
            javaThreads += delta;
        }
        Map<Part, Long> jvm = jvmThreads();
        long rest = Math.max(0, process - javaThreads);
        for (Part part : List.of(Part.JIT, Part.GC)) {
            long delta =
                    Math.min(rest, Math.max(0, jvm.getOrDefault(part, 0L) - jvmThreadsAtStart.getOrDefault(part, 0L)));
            spent.put(part, delta);
            rest -= delta;
        }
        spent.merge(classifierProcess == null ? Part.ONNX_RUNTIME : Part.BROKER, rest, Long::sum);
        spent.merge(Part.BROKER, Math.max(0, brokerProcess.getAsLong() - brokerProcessAtStart), Long::sum);
        if (classifierProcess != null) {
            spent.put(Part.CLASSIFIER_PROCESS, Math.max(0, classifierProcess.getAsLong() - classifierProcessAtStart));
        }
        return spent;
    }

    /**
     * CPU time of the JVM's own threads (compilers, collector), which no MXBean reports: Linux
     * names them in /proc. Elsewhere this is empty and their time stays in the remainder.
     */
    private static Map<Part, Long> jvmThreads() {
        Map<Part, Long> cpu = new EnumMap<>(Part.class);
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return cpu;
        }
        try (var dirs = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) dirs::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    Part part = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")
                            ? Part.JIT
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") ? Part.GC : null;
                    if (part != null) {
                        String stat = Files.readString(task.resolve("stat"));
                        // after the parenthesised name: field 14 (utime) and 15 (stime), in clock ticks
                        String[] fields =
                                stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        cpu.merge(part, ticks * NANOS_PER_TICK, Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked: its time is in the remainder
                }
            }
        } catch (IOException e) {
            return cpu;
        }
        return cpu;
    }

    /** Linux reports thread times in USER_HZ ticks, 100 per second on every mainstream architecture. */
    static final long NANOS_PER_TICK = 10_000_000L;

    static Part partOf(String threadName) {
        if (threadName.startsWith("console-")
                || threadName.contains("digitstream-console")
                || threadName.startsWith("JettyServerThreadPool")
                || threadName.startsWith("qtp")) {
            return Part.CONSOLE;
        }
        if (threadName.startsWith("kafka-producer-network-thread")) {
            return threadName.contains("StreamThread") ? Part.CLASSIFIER_PRODUCER : Part.BENCH_PRODUCER;
        }
        if (threadName.endsWith("-GlobalStreamThread")) {
            return Part.MODEL_LOADING;
        }
        if (threadName.contains("-StreamThread-")) {
            return Part.STREAM_THREAD;
        }
        if (threadName.startsWith(BatchHelpers.THREAD_PREFIX)) {
            return Part.ONNX_RUNTIME;
        }
        if (threadName.equals("bench-producer")) {
            return Part.BENCH_PRODUCER;
        }
        return Part.BROKER;
    }
}
