package io.digitstream.benchmarks.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Plain rounds alternating with rounds under hot swaps, or with the console attached: one table row each. */
final class AlternatingRuns {
    /** How much longer than its swaps a swapping round is made to last, at the plain round's rate. */
    static final double SWAP_ROUND_MARGIN = 1.25;

    private AlternatingRuns() {}

    /**
     * Plain runs against runs with swaps ({@code swaps > 0}) or with the console attached
     * ({@code swaps == 0}), alternating, so the machine's slow spells hit both alike; one table row.
     */
    static String compare(Session session, Run first, Plan flood, int swaps, List<Measured> measured, PipelineOptions o)
            throws Exception {
        // a swapping round must outlast its swaps (the last one comes swaps x the interval after the
        // start), or the last versions are published after the last image and never serve
        int lastingImages =
                (int) Math.ceil(first.perSecond() * (swaps + 1) * o.swapIntervalMs / 1000.0 * SWAP_ROUND_MARGIN);
        Plan plain = swaps > 0 && lastingImages > flood.images() ? flood.withImages(lastingImages) : flood;
        Plan other = swaps > 0 ? plain.withSwaps(swaps) : plain.withConsole();
        // once untimed: swapping and the console have JIT work of their own
        session.round(other);
        double[] without = new double[o.repeats];
        double[] with = new double[o.repeats];
        long lost = 0;
        long deadLetters = 0;
        List<Long> toServe = new ArrayList<>();
        List<Long> lags = new ArrayList<>();
        long consoleNanos = 0;
        long predictions = 0;
        double updatesPerSecond = 0;
        for (int r = 0; r < o.repeats; r++) {
            without[r] = r == 0 && plain == flood
                    ? first.perSecond()
                    : session.round(plain).perSecond();
            Run run = session.round(other);
            measured.add(new Measured(
                    "max-batch " + plain.maxBatch() + ", " + (swaps > 0 ? swaps + " swaps" : "console"), run));
            with[r] = run.perSecond();
            lost += plain.images() - run.count();
            deadLetters += run.deadLetters();
            Arrays.stream(run.publishToServeMs()).forEach(toServe::add);
            if (run.console() != null) {
                Arrays.stream(run.console().lagSamplesMs()).forEach(lags::add);
                consoleNanos += run.cpuNanos().get(CpuLedger.Part.CONSOLE);
                predictions += run.count();
                updatesPerSecond += run.console().pageUpdates() / (run.wallNanos() / 1e9) / o.repeats;
            }
        }
        Collections.sort(toServe);
        Collections.sort(lags);
        double change = 100 * (Tables.median(with) / Tables.median(without) - 1);
        if (swaps > 0) {
            return String.format(
                    Locale.ROOT,
                    "| %d | %,.0f | %,.0f | %+.1f %% | %d | %d | %d of %d | %s | %s |",
                    plain.maxBatch(),
                    Tables.median(without),
                    Tables.median(with),
                    change,
                    lost,
                    deadLetters,
                    toServe.size(),
                    swaps * o.repeats,
                    toServe.isEmpty() ? "-" : toServe.get(toServe.size() / 2),
                    toServe.isEmpty() ? "-" : toServe.get(toServe.size() - 1));
        }
        return String.format(
                Locale.ROOT,
                "| %d | %,.0f | %,.0f | %+.1f %% | %s | %s | %.1f | %.1f |",
                plain.maxBatch(),
                Tables.median(without),
                Tables.median(with),
                change,
                lags.isEmpty() ? "-" : lags.get(lags.size() / 2),
                lags.isEmpty() ? "-" : lags.get(lags.size() - 1),
                consoleNanos / 1e3 / Math.max(1, predictions),
                updatesPerSecond);
    }
}
