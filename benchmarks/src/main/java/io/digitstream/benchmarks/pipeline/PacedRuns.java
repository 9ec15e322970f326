package io.digitstream.benchmarks.pipeline;

import io.digitstream.producer.replay.Replayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The classifier paced at fractions of its flood rate, for latency: one table row per rate and linger. */
final class PacedRuns {
    /** The paced table counts the windows of this length in which the slowest images were sent. */
    private static final long TAIL_WINDOW_MS = 100;

    private PacedRuns() {}

    /**
     * The classifier with its default settings (this session's) paced at each fraction of its flood
     * rate: warmed at that rate first, since partial batches take paths of their own.
     */
    static List<String> run(Session session, Run flood, List<Measured> measured, PipelineOptions o) throws Exception {
        List<String> rows = new ArrayList<>();
        for (double fraction : o.paced) {
            double rate = fraction * flood.perSecond();
            int count = (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, rate * o.pacedSeconds));
            int[] lingers = o.pacedLingerMs != null
                    ? o.pacedLingerMs
                    : new int[] {(int) Replayer.lingerFor(rate).toMillis()};
            for (int lingerMs : lingers) {
                Duration linger = Duration.ofMillis(lingerMs);
                String what =
                        String.format(Locale.ROOT, "paced at %.0f %%, producer linger %d ms", 100 * fraction, lingerMs);
                WarmUp.settle(session, Plan.paced(Math.max(500, count / 3), rate, linger), what, o.warmUpRounds);
                Run run = session.round(Plan.paced(count, rate, linger));
                long[] tailWindows = run.tailWindows(TAIL_WINDOW_MS);
                rows.add(String.format(
                        Locale.ROOT,
                        "| %.0f %% of the flood rate | %d | %,.0f | %,.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %d,"
                                + " %d ms | %.0f %% | %s | %d of %d | %s | %s |",
                        100 * fraction,
                        lingerMs,
                        rate,
                        run.perSecond(),
                        run.p50(),
                        run.p99(),
                        run.percentile(1.0),
                        run.readPercentile(0.5),
                        run.readPercentile(0.99),
                        run.meanBatch(),
                        run.gcPauses().size(),
                        run.gcPauseMillis(),
                        100 * run.tailShareInGcPauses(),
                        othersShares(run),
                        tailWindows[0],
                        tailWindows[1],
                        pressures(run),
                        machineStalls(run)));
                measured.add(new Measured(what, run));
            }
        }
        return rows;
    }

    /** "61 %, 30 %": the CPU pressure the p99 images met, and over the run; "-" where not watched. */
    private static String pressures(Run run) {
        if (!run.scheduling().hasPressure()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f %%, %.0f %%", 100 * run.tailPressure(), 100 * run.pressure());
    }

    /** "12 % (9, 140 ms)": the p99 images in flight during a stall of the machine, the stalls and their total. */
    private static String machineStalls(Run run) {
        if (!run.scheduling().hasPressure()) {
            return "-";
        }
        List<GcPauses.Pause> stalls = run.scheduling().machineStalls();
        return String.format(
                Locale.ROOT,
                "%.0f %% (%d, %d ms)",
                100 * run.tailShareIn(stalls),
                stalls.size(),
                GcPauses.totalMillis(stalls));
    }

    /** Per other process its share of the p99 images, its pauses and their total: "broker 3 % (10, 136 ms); ...", or "-". */
    private static String othersShares(Run run) {
        if (run.othersGcPauses().isEmpty()) {
            return "-";
        }
        List<String> shares = new ArrayList<>();
        run.othersGcPauses()
                .forEach((process, pauses) -> shares.add(String.format(
                        Locale.ROOT,
                        "%s %.0f %% (%d, %d ms)",
                        process,
                        100 * run.tailShareIn(pauses),
                        pauses.size(),
                        GcPauses.totalMillis(pauses))));
        return String.join("; ", shares);
    }
}
