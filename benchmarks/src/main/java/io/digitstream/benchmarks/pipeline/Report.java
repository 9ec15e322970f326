package io.digitstream.benchmarks.pipeline;

import io.digitstream.classifier.stream.BatchSettings;
import java.util.List;
import java.util.Locale;

/** The benchmark's printed result: each table under its title, from the rows the runs produced. */
final class Report {
    private Report() {}

    static void print(
            PipelineOptions o,
            List<String> rows,
            List<Measured> measured,
            List<String> pacedRows,
            List<String> swapRows,
            List<String> consoleRows) {
        Tables.printTable(
                String.format(
                        Locale.ROOT,
                        "Flooded: %,d images sent as fast as the producer can, drained from predictions-out; CPU in µs"
                                + " per image; inference = ONNX Runtime's pool plus the stream thread's time inside the"
                                + " engine:",
                        o.images),
                "| run | img/s end to end | vs pass-through | engine alone at this batch, img/s | p50 ms | p99 ms"
                        + " | CPU/img | inference | outside inference | outside inference vs pass-through CPU/record"
                        + " | buffer changelog records per image |",
                rows);
        if (!pacedRows.isEmpty()) {
            Tables.printTable(
                    String.format(
                            Locale.ROOT,
                            "Paced, the classifier's default settings (max-batch %d, max-delay %d ms, adaptive batching"
                                    + " %s), %d s each after warm-up rounds at the same rate; latency from the"
                                    + " producer's send to the prediction's emission, and (read) to the benchmark's"
                                    + " consumer reading it from predictions-out:",
                            BatchSettings.DEFAULT_MAX_BATCH,
                            BatchSettings.DEFAULT_MAX_DELAY_MS,
                            o.adaptive ? "on" : "off",
                            o.pacedSeconds),
                    "| load | producer linger ms | img/s sent | img/s end to end | p50 ms | p99 ms | max ms | read p50 ms"
                            + " | read p99 ms | mean batch | GC pauses, their total | p99 images in flight during a"
                            + " pause | p99 images in flight during another process's pause (as deployed)"
                            + " | 100 ms windows holding the p99 images | CPU pressure met by the p99 images, over the"
                            + " run | p99 images in flight during a stall of the machine (stalls, their total) |",
                    pacedRows);
        }
        Tables.printTable(
                "CPU per image (µs), by part, in the same runs; cores busy = all CPU / wall time:",
                "| run | " + Tables.partTitles() + " | total | cores busy |",
                measured.stream().map(m -> m.run().cpuRow(m.name())).toList());
        Tables.printTable(
                "Allocated on the Java heap per image (KB), by part, in the same runs (what the GC pauses above"
                        + " clean up):",
                "| run | " + Tables.partTitles() + " | total |",
                measured.stream().map(m -> m.run().allocationRow(m.name())).toList());
        if (!swapRows.isEmpty()) {
            Tables.printTable(
                    String.format(
                            Locale.ROOT,
                            "%d hot swaps, one every %d ms; %d plain and %d swapping run(s) per max-batch,"
                                    + " alternating, each sending at least --images and enough to last %.2fx as"
                                    + " long as the swaps take; img/s are medians:",
                            o.swaps,
                            o.swapIntervalMs,
                            o.repeats,
                            o.repeats,
                            AlternatingRuns.SWAP_ROUND_MARGIN),
                    "| max-batch | img/s, no swaps | img/s, swapping | change | lost | dead letters | versions served"
                            + " | publish to first prediction p50 ms | max ms |",
                    swapRows);
        }
        if (!consoleRows.isEmpty()) {
            Tables.printTable(
                    String.format(
                            Locale.ROOT,
                            "With the web console attached (a page subscribed to its event stream), %d plain and %d"
                                    + " console run(s) per max-batch, alternating; img/s are medians; the console's lag"
                                    + " is what its page showed, sampled every 250 ms:",
                            o.repeats,
                            o.repeats),
                    "| max-batch | img/s, no console | img/s, console attached | change | console lag p50 ms | max ms"
                            + " | console CPU per prediction µs | page updates/s |",
                    consoleRows);
        }
    }
}
