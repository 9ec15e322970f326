package io.digitstream.benchmarks.pipeline;

import java.util.Locale;
import java.util.Map;

/**
 * What one timed run measured.
 *
 * @param subject          what ran between digits-in and predictions-out ("classifier", "pass-through")
 * @param produced         images/s the producer sent
 * @param perSecond        images/s end to end, until the last prediction
 * @param latenciesMs      sent-to-emitted per image, sorted; empty for the pass-through (it stamps nothing)
 * @param cpuNanos         CPU by part during the run
 * @param inferenceNanos   wall time the classifier's stream threads spent inside the engine
 * @param meanBatch        the classifier's mean batch size (0 for the pass-through)
 * @param changelogRecords the buffer changelog's records (0 for the pass-through)
 * @param console          what an attached console showed, or null
 */
record Run(
        String subject,
        int count,
        double produced,
        double perSecond,
        long[] latenciesMs,
        long deadLetters,
        long[] publishToServeMs,
        Map<CpuLedger.Part, Long> cpuNanos,
        long wallNanos,
        long inferenceNanos,
        double meanBatch,
        long changelogRecords,
        ConsoleSeen console) {

    Run withChangelogRecords(long records) {
        return new Run(
                subject,
                count,
                produced,
                perSecond,
                latenciesMs,
                deadLetters,
                publishToServeMs,
                cpuNanos,
                wallNanos,
                inferenceNanos,
                meanBatch,
                records,
                console);
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

    double p50() {
        return percentile(0.50);
    }

    double p99() {
        return percentile(0.99);
    }

    private double percentile(double p) {
        if (latenciesMs.length == 0) {
            return Double.NaN;
        }
        return latenciesMs[(int) Math.min(latenciesMs.length - 1, Math.max(0, Math.ceil(latenciesMs.length * p) - 1))];
    }
}
