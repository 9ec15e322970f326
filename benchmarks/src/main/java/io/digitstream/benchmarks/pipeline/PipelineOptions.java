package io.digitstream.benchmarks.pipeline;

import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cli.ClientSettingsOptions;
import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.onnx.OnnxSettings;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code bench pipeline} can be asked: the subjects, their settings, the rounds' shape. */
final class PipelineOptions {
    @Option(names = "--images", defaultValue = "20000", description = "Images per flooded run.")
    int images;

    @Option(
            names = "--bootstrap-servers",
            description = "An existing cluster to run against (for example `digitstream broker` in another process);"
                    + " default: an embedded broker in this process.")
    String bootstrapServers;

    @Mixin
    ClientSettingsOptions client;

    @Option(names = "--max-batches", split = ",", defaultValue = "1,64,256")
    int[] maxBatches;

    @Option(
            names = {"--engines", "--engine"},
            split = ",",
            defaultValue = EngineKind.AUTO,
            description = "The classifier's engines: each is flooded at every max-batch in the same run (onnx,"
                    + " onnx-int8, or auto as the classifier's default); the paced runs use the first.")
    List<String> engines;

    @Option(
            names = "--encoding",
            defaultValue = "json",
            description = "How the producer encodes image events: json or binary.")
    String encoding;

    @Option(
            names = "--paced",
            split = ",",
            defaultValue = "0.1,0.5",
            description = "After the flooded runs, the classifier with its default settings paced at these fractions"
                    + " of its flood rate (at the default max-batch); empty for none.")
    double[] paced;

    @Option(
            names = "--paced-linger-ms",
            split = ",",
            description = "The paced producer's linger.ms, one paced run each (default: what `producer replay --rate`"
                    + " uses at that rate: 1 ms below 2,000 images/s, else 5).")
    int[] pacedLingerMs;

    @Option(names = "--paced-seconds", defaultValue = "15", description = "How long each paced run sends.")
    int pacedSeconds;

    @Option(names = "--no-paced", description = "Skip the paced runs.")
    boolean noPaced;

    @Option(
            names = "--swaps",
            defaultValue = "0",
            description = "Also run each max-batch while this many newer snapshots are published, one every"
                    + " --swap-interval-ms, and compare (throughput dip, lost, dead letters, publish-to-serve time).")
    int swaps;

    @Option(names = "--swap-interval-ms", defaultValue = "1000")
    long swapIntervalMs;

    @Option(
            names = "--repeats",
            defaultValue = "1",
            description =
                    "With --swaps or --console: plain and other runs per max-batch, alternating; medians are compared.")
    int repeats;

    @Option(
            names = "--console",
            description = "Also run each max-batch with the web console attached (and a page subscribed to its"
                    + " events), alternating with plain runs, and compare throughput; report the console's lag and"
                    + " its CPU per prediction.")
    boolean console;

    @Option(
            names = "--broker-process",
            description = "Run the embedded broker in a JVM of its own, as a deployment does (its CPU is still"
                    + " counted): the benchmark's JIT then compiles only the clients, Streams and the engine.")
    boolean brokerProcess;

    @Option(
            names = "--as-deployed",
            description = "Run each classifier as a container does: `digitstream-serving classifier` in a JVM of its"
                    + " own with the image's JVM flags, told everything by its command line, read through /health and"
                    + " /metrics; the broker in another (implies --broker-process) and the load generator in this one."
                    + " Its CPU is counted as one part (inference not split out) and the GC pauses are its own.")
    boolean asDeployed;

    @Option(names = "--inference-spinning", description = "Let the onnx engine's idle threads spin.")
    boolean spinning;

    @Option(
            names = "--inference-threads",
            defaultValue = "0",
            description =
                    "Threads that share each batch of the onnx engines; 0 = one per core (the classifier's default).")
    int inferenceThreads;

    @Option(
            names = "--inference-parallelism",
            defaultValue = OnnxSettings.DEFAULT_PARALLELISM_NAME,
            description = "How they share it: batch or operator (as the classifier's flag).")
    String inferenceParallelism;

    @Option(
            names = "--stream-threads",
            defaultValue = "" + ClassifierSettings.DEFAULT_STREAM_THREADS,
            description = "The classifier's (and the pass-through's) stream threads.")
    int streamThreads;

    @Option(
            names = "--max-delay-ms",
            defaultValue = "" + BatchSettings.DEFAULT_MAX_DELAY_MS,
            description = "The classifier's max-delay in the flooded runs (paced runs use the default).")
    long maxDelayMs;

    @Option(
            names = "--adaptive-batching",
            negatable = true,
            defaultValue = "" + BatchSettings.DEFAULT_ADAPTIVE,
            fallbackValue = "true",
            description = "The classifier's adaptive batching (--no-adaptive-batching: wait up to max-delay), flooded"
                    + " and paced.")
    boolean adaptive;

    @Option(
            names = "--warm-up-rounds",
            defaultValue = "40",
            description = "At most this many untimed warm-up rounds per subject, on the instance the timed round then"
                    + " measures; they stop once two in a row agree within 5 % (flooded) and the JIT compiled for"
                    + " under a tenth of the last one.")
    int warmUpRounds;
}
