package io.digitstream.benchmarks.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What one timed run measured.
 *
 * @param perSecond        images/s end to end, until the last prediction
 * @param sentAtMs         each image's send time (epoch ms), in the order read; empty for the pass-through (it
 *                         stamps nothing)
 * @param emittedAtMs      its prediction's emission time, in the same order
 * @param readAtMs         when the benchmark's consumer read it, in the same order
 * @param cpuNanos         CPU by part during the run
 * @param inferenceNanos   wall time the classifier's stream threads spent inside the engine
 * @param meanBatch        the classifier's mean batch size (0 for the pass-through)
 * @param changelogRecords the buffer changelog's records (0 for the pass-through)
 * @param console          what an attached console showed, or null
 * @param allocatedBytes   Java heap allocated by part during the run
 * @param gcPauses         the classifier's stop-the-world collections during the run
 * @param othersGcPauses   where the classifier runs in a JVM of its own, the other processes' (the broker's,
 *                         the load generator's) by name, to tell whose pause a tail met; empty otherwise
 * @param scheduling       the machine's CPU pressure and stalls during the run ({@link SchedulerWatch.Trace#NONE}
 *                         where not watched)
 */
record Run(
        int count,
        double perSecond,
        long[] sentAtMs,
        long[] emittedAtMs,
        long[] readAtMs,
        long deadLetters,
        long[] publishToServeMs,
        Map<CpuLedger.Part, Long> cpuNanos,
        long wallNanos,
        long inferenceNanos,
        double meanBatch,
        long changelogRecords,
        ConsoleSeen console,
        Map<CpuLedger.Part, Long> allocatedBytes,
        List<GcPauses.Pause> gcPauses,
        Map<String, List<GcPauses.Pause>> othersGcPauses,
        SchedulerWatch.Trace scheduling) {

    /** {@code inferenceNanos} of a classifier in its own JVM, whose engine's CPU this JVM cannot tell apart. */
    static final long INFERENCE_NOT_SPLIT = -1;

    Run withChangelogRecords(long records) {
        return new Run(
                count,
                perSecond,
                sentAtMs,
                emittedAtMs,
                readAtMs,
                deadLetters,
                publishToServeMs,
                cpuNanos,
                wallNanos,
                inferenceNanos,
                meanBatch,
                records,
                console,
                allocatedBytes,
                gcPauses,
                othersGcPauses,
                scheduling);
    }

    long gcPauseMillis() {
        return GcPauses.totalMillis(gcPauses);
    }

    /**
     * Of the images at or past the p99 latency, the share that were between their send and their
     * emission while this JVM was stopped for a collection: near 1, the collector sets the tail;
     * near 0, something else does (NaN without latencies).
     */
    double tailShareInGcPauses() {
        return tailShareIn(gcPauses);
    }

    /** As {@link #tailShareInGcPauses()}, for the given pauses (another process's). */
    double tailShareIn(List<GcPauses.Pause> pauses) {
        int[] tail = tail().toArray();
        long paused = Arrays.stream(tail)
                .filter(i -> pauses.stream().anyMatch(pause -> pause.overlaps(sentAtMs[i], emittedAtMs[i])))
                .count();
        return tail.length == 0 ? Double.NaN : (double) paused / tail.length;
    }

    /** The images at or past the p99 latency, by index. */
    private IntStream tail() {
        double p99 = p99();
        return IntStream.range(0, sentAtMs.length).filter(i -> emittedAtMs[i] - sentAtMs[i] >= p99);
    }

    /**
     * The CPU pressure the images at or past the p99 latency met, each between its send and its
     * emission (the share of that time in which a runnable thread waited for a core), averaged;
     * beside {@link #pressure()} it says whether the slowest images met busier cores than the rest
     * (NaN where not watched).
     */
    double tailPressure() {
        return tail().mapToDouble(i -> scheduling.pressureShare(sentAtMs[i], emittedAtMs[i]))
                .filter(share -> !Double.isNaN(share))
                .average()
                .orElse(Double.NaN);
    }

    /** The CPU pressure over the whole run (NaN where not watched). */
    double pressure() {
        long[] at = scheduling.sampledAtMs();
        return scheduling.hasPressure() ? scheduling.pressureShare(at[0], at[at.length - 1]) : Double.NaN;
    }

    /**
     * In how many of the run's {@code windowMs} windows (by send time) the images at or past the
     * p99 latency were sent, and how many windows the run spans: a few windows of many means the
     * tail came in spells, as many as there are slow images means it was spread out.
     */
    long[] tailWindows(long windowMs) {
        if (sentAtMs.length == 0) {
            return new long[2];
        }
        long first = Arrays.stream(sentAtMs).min().orElseThrow();
        long last = Arrays.stream(sentAtMs).max().orElseThrow();
        long windows = tail().mapToLong(i -> (sentAtMs[i] - first) / windowMs)
                .distinct()
                .count();
        return new long[] {windows, (last - first) / windowMs + 1};
    }

    long cpuTotalNanos() {
        return cpuNanos.values().stream().mapToLong(Long::longValue).sum();
    }

    double cpuMicrosPerImage() {
        return cpuTotalNanos() / 1e3 / count;
    }

    /**
     * Inference's CPU per image: ONNX Runtime's native pool, plus the time the stream thread spent
     * inside the engine (where it computes beside the pool; an upper bound of its CPU there).
     */
    double inferenceMicrosPerImage() {
        if (inferenceNanos == INFERENCE_NOT_SPLIT) {
            return Double.NaN;
        }
        return (cpuNanos.get(CpuLedger.Part.ONNX_RUNTIME) + inferenceNanos) / 1e3 / count;
    }

    double outsideInferenceMicrosPerImage() {
        return cpuMicrosPerImage() - inferenceMicrosPerImage();
    }

    /** One row of the CPU table: microseconds of CPU per image by part, then cores busy. */
    String cpuRow(String run) {
        var row = new StringBuilder("| " + run + " |");
        for (CpuLedger.Part part : CpuLedger.Part.values()) {
            row.append(String.format(Locale.ROOT, " %.0f |", cpuNanos.get(part) / 1e3 / count));
        }
        return row.append(String.format(
                        Locale.ROOT, " %.0f | %.2f |", cpuMicrosPerImage(), (double) cpuTotalNanos() / wallNanos))
                .toString();
    }

    /** One row of the allocation table: kilobytes allocated on the Java heap per image by part, then the total. */
    String allocationRow(String run) {
        var row = new StringBuilder("| " + run + " |");
        long total = 0;
        for (CpuLedger.Part part : CpuLedger.Part.values()) {
            long bytes = allocatedBytes.getOrDefault(part, 0L);
            total += bytes;
            row.append(String.format(Locale.ROOT, " %.1f |", bytes / 1024.0 / count));
        }
        return row.append(String.format(Locale.ROOT, " %.1f |", total / 1024.0 / count))
                .toString();
    }

    double p50() {
        return percentile(0.50);
    }

    double p99() {
        return percentile(0.99);
    }

    /** Sent-to-emitted latency at percentile {@code p} (NaN for the pass-through). */
    double percentile(double p) {
        return percentile(sortedDifferences(sentAtMs, emittedAtMs), p);
    }

    /** Sent to read by the benchmark's consumer, at percentile {@code p}. */
    double readPercentile(double p) {
        return percentile(sortedDifferences(sentAtMs, readAtMs), p);
    }

    private static long[] sortedDifferences(long[] from, long[] to) {
        long[] differences = new long[from.length];
        Arrays.setAll(differences, i -> to[i] - from[i]);
        Arrays.sort(differences);
        return differences;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))];
    }
}
