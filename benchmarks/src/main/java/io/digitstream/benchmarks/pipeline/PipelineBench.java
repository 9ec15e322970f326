package io.digitstream.benchmarks.pipeline;

import io.digitstream.benchmarks.Machine;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cli.CommandLines;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.schemas.message.ImageEventEncoding;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The pipeline end to end: images waiting on digits-in drained into predictions-out, through the
 * classifier and, in the same run on the same broker, through a pass-through Streams application
 * that decodes nothing (the limit any Kafka Streams classifier here could reach) and beside the
 * engine alone. Then the classifier paced at fractions of its flood rate with the default settings,
 * for latency; optionally under hot swaps and with the web console attached. Each subject runs as
 * a {@link Session}: started once, warmed on the same instance until its rounds agree, then timed,
 * as a classifier that has served for a while. These machines are noisy: ratios within one run are
 * what to compare. Not a test.
 */
@Command(
        name = "pipeline-bench",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description =
                "End to end through an embedded broker: the classifier against a pass-through, flooded and paced.")
public final class PipelineBench implements Callable<Integer> {
    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new PipelineBench()).execute(args));
    }

    @Mixin
    PipelineOptions options;

    /** CPU nanoseconds of a broker in its own process so far; 0 while the broker shares this JVM. */
    private LongSupplier brokerCpu = () -> 0;

    private static final SigningKey KEY = SigningKey.generate();
    private static final int PASS_THROUGH_SCALE = 4;

    private MnistDataset test;
    private byte[][] snapshots;
    private KafkaConnection cluster;
    private OnnxSettings onnx;
    private ImageEventEncoding imageEncoding;

    @Override
    public Integer call() throws Exception {
        System.out.println("Machine: " + Machine.describe());
        if (options.asDeployed && options.bootstrapServers != null) {
            throw new IllegalArgumentException("--as-deployed starts its own broker; leave out --bootstrap-servers");
        }
        System.out.println("JVM: flags " + ManagementFactory.getRuntimeMXBean().getInputArguments() + ", collectors "
                + ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(java.lang.management.GarbageCollectorMXBean::getName)
                        .toList()
                + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        imageEncoding = ImageEventEncoding.parse(options.encoding);
        test = MnistFixture.test();
        onnx = new OnnxSettings(
                options.inferenceThreads == 0 ? Runtime.getRuntime().availableProcessors() : options.inferenceThreads,
                OnnxSettings.Parallelism.parse(options.inferenceParallelism),
                options.spinning);
        // versions of a model trained on the fixture (an untrained one would not pass the
        // promotion gate), signed by a key made for this run, encoded before anything is timed
        MultiLayerNetwork network = FixtureModel.train();
        List<EngineChoice> engines = options.engines.stream()
                .map(name -> new EngineChoice(EngineKind.parse(name), onnx))
                .toList();
        // version 1, then the swaps of an untimed round and of each timed one
        snapshots = new byte[1 + options.swaps * (options.repeats + 1)][];
        for (int v = 1; v <= snapshots.length; v++) {
            snapshots[v - 1] = FixtureModel.signedSnapshot(network, v, KEY);
        }
        boolean embedded = options.bootstrapServers == null;
        boolean brokerProcess = options.brokerProcess || options.asDeployed;
        Path deployed = options.asDeployed ? Files.createTempDirectory("pipeline-bench") : null;
        if (deployed != null) {
            Files.writeString(deployed.resolve("bench.pub"), KEY.publicPem());
            System.out.println("Each classifier in a JVM of its own, flags " + ClassifierProcess.IMAGE_JVM_FLAGS
                    + "; their logs and GC logs: " + deployed);
        }
        try (EmbeddedKafka kafka =
                        embedded && !brokerProcess ? EmbeddedKafka.onFreePort().start() : null;
                BrokerProcess ownProcess = embedded && brokerProcess
                        ? BrokerProcess.start(deployed == null ? null : deployed.resolve("broker.gc"))
                        : null) {
            String servers = kafka != null
                    ? kafka.bootstrapServers()
                    : ownProcess != null ? ownProcess.bootstrapServers() : options.bootstrapServers;
            cluster = new KafkaConnection(servers, options.client.settings());
            if (ownProcess != null) {
                brokerCpu = ownProcess::cpuNanos;
            }
            System.out.println("Broker: "
                    + (kafka != null
                            ? "embedded in this process"
                            : ownProcess != null
                                    ? "embedded in a JVM of its own (its CPU is in the broker's part)"
                                    : options.bootstrapServers + " (external: its CPU is not in the table)")
                    + "; image events encoded as " + imageEncoding + "; " + options.streamThreads
                    + " stream thread(s), "
                    + "inference on " + onnx.describe()
                    + (options.adaptive ? "" : ", adaptive batching off")
                    + (options.client.settings().isEmpty() ? "" : "; client settings " + options.client.settings()));
            var setup = new Session.Setup(
                    cluster,
                    test,
                    snapshots,
                    KEY,
                    imageEncoding,
                    engines.get(0),
                    options.streamThreads,
                    options.adaptive,
                    brokerCpu,
                    ownProcess != null ? ownProcess::compilerNanos : () -> 0,
                    ownProcess != null ? ownProcess::gcPauses : (from, to) -> List.of(),
                    Duration.ofMillis(options.swapIntervalMs),
                    deployed);

            Map<String, Double> engineAlone = new java.util.HashMap<>();
            ModelSnapshot unsigned = FixtureModel.snapshot(network, 1);
            for (EngineChoice engine : engines) {
                for (int maxBatch : options.maxBatches) {
                    engineAlone.put(
                            engine.name() + maxBatch, EngineAlone.imagesPerSecond(engine, unsigned, test, maxBatch));
                }
            }
            List<String> rows = new ArrayList<>();
            List<Measured> measured = new ArrayList<>();
            List<String> pacedRows = new ArrayList<>();
            List<String> swapRows = new ArrayList<>();
            List<String> consoleRows = new ArrayList<>();
            // four times the images: the pass-through is that much faster, and its rounds should not be
            // too short to measure (or for the JIT's share of one to settle)
            Plan pass = Plan.passThrough(PASS_THROUGH_SCALE * options.images);
            Run passThrough;
            try (Session session = Session.start(setup, pass)) {
                WarmUp.settle(session, pass, "pass-through", options.warmUpRounds);
                passThrough = session.round(pass);
            }
            rows.add(String.format(
                    Locale.ROOT,
                    "| pass-through | %,.0f | 100 %% | - | - | - | %.0f | - | %.0f | 1.0x | - |",
                    passThrough.perSecond(),
                    passThrough.cpuMicrosPerImage(),
                    passThrough.cpuMicrosPerImage()));
            measured.add(new Measured("pass-through", passThrough));
            boolean pacing = options.paced.length > 0 && !options.noPaced;
            boolean defaults = options.maxDelayMs == BatchSettings.DEFAULT_MAX_DELAY_MS;
            for (EngineChoice engine : engines) {
                // the first engine keeps the tags (and topic names) a single-engine run has always had
                String tagPrefix = engine == engines.get(0) ? "" : engine.name() + "-";
                String label = engines.size() == 1 ? "" : " (" + engine.name() + ")";
                for (int maxBatch : options.maxBatches) {
                    Plan flood = Plan.flood(tagPrefix + "b" + maxBatch, maxBatch, options.maxDelayMs, options.images);
                    String subject = "classifier" + label + ", max-batch " + maxBatch;
                    try (Session session = Session.start(setup.withEngine(engine), flood)) {
                        WarmUp.settle(session, flood, subject, options.warmUpRounds);
                        long changelogBefore = session.changelogRecords();
                        Run run = session.round(flood);
                        run = run.withChangelogRecords(session.changelogRecords() - changelogBefore);
                        rows.add(String.format(
                                Locale.ROOT,
                                "| %s | %,.0f | %.0f %% | %,.0f | %.0f | %.0f | %.0f | %s | %s | %s | %.3f |",
                                subject,
                                run.perSecond(),
                                100 * run.perSecond() / passThrough.perSecond(),
                                engineAlone.get(engine.name() + maxBatch),
                                run.p50(),
                                run.p99(),
                                run.cpuMicrosPerImage(),
                                Tables.whole(run.inferenceMicrosPerImage()),
                                Tables.whole(run.outsideInferenceMicrosPerImage()),
                                Tables.times(run.outsideInferenceMicrosPerImage() / passThrough.cpuMicrosPerImage()),
                                (double) run.changelogRecords() / run.count()));
                        measured.add(new Measured(label.isEmpty() ? "max-batch " + maxBatch : subject, run));
                        if (options.swaps > 0) {
                            swapRows.add(
                                    AlternatingRuns.compare(session, run, flood, options.swaps, measured, options));
                        }
                        if (options.console) {
                            consoleRows.add(AlternatingRuns.compare(session, run, flood, 0, measured, options));
                        }
                        if (pacing && defaults && maxBatch == BatchSettings.DEFAULT_MAX_BATCH) {
                            pacedRows.addAll(PacedRuns.run(session, run, measured, options));
                            pacing = false;
                        }
                    }
                }
            }
            if (pacing) {
                Plan flood = Plan.flood(
                        "default", BatchSettings.DEFAULT_MAX_BATCH, BatchSettings.DEFAULT_MAX_DELAY_MS, options.images);
                try (Session session = Session.start(setup, flood)) {
                    WarmUp.settle(session, flood, "classifier, default settings", options.warmUpRounds);
                    pacedRows.addAll(PacedRuns.run(session, session.round(flood), measured, options));
                }
            }
            Report.print(options, rows, measured, pacedRows, swapRows, consoleRows);
        }
        return 0;
    }
}
