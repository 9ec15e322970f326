package io.digitstream.benchmarks.pipeline;

import io.digitstream.benchmarks.Machine;
import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.classifier.stream.ClassifierTopology;
import io.digitstream.cli.ClientSettingsOptions;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.onnx.OnnxExport;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.schemas.message.ImageEventEncoding;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrainingFacts;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingListener;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The pipeline end to end: images waiting on digits-in drained into predictions-out, through the
 * classifier and, in the same run on the same broker, through a pass-through Streams application
 * that decodes nothing (the limit any Kafka Streams classifier here could reach) and beside the
 * engine alone. Then the classifier paced at fractions of its flood rate with the default settings,
 * for latency; optionally under hot swaps and with the web console attached. These machines are
 * noisy: ratios within one run are what to compare. Not a test.
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
        System.exit(new CommandLine(new PipelineBench()).execute(args));
    }

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

    @Option(names = "--engine", defaultValue = "onnx")
    String engine;

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

    /** CPU nanoseconds of a broker in its own process so far; 0 while the broker shares this JVM. */
    private LongSupplier brokerCpu = () -> 0;

    @Option(names = "--inference-spinning", description = "Let the onnx engine's idle threads spin.")
    boolean spinning;

    @Option(
            names = "--inference-threads",
            defaultValue = "0",
            description = "Intra-op threads of the onnx engine; 0 = one per core (the classifier's default).")
    int inferenceThreads;

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
            defaultValue = "8",
            description = "At most this many untimed warm-up rounds; they stop once two in a row agree within 5 % and"
                    + " the JIT compiled for under a tenth of the last one.")
    int warmUpRounds;

    private static final String MODEL = SnapshotHeader.DEFAULT_MODEL_NAME;
    private static final SigningKey KEY = SigningKey.generate();
    private static final Logger log = LoggerFactory.getLogger(PipelineBench.class);
    private static final double WARM_UP_AGREEMENT = 0.05;
    /** Settled also means the JIT compiled for less than this share of a round's wall time. */
    private static final double JIT_QUIET = 0.10;

    /** What runs between digits-in and predictions-out. */
    enum Subject {
        CLASSIFIER,
        PASS_THROUGH
    }

    /** One run's shape. */
    record Plan(
            String tag,
            Subject subject,
            int maxBatch,
            long maxDelayMs,
            int images,
            double rate,
            int swaps,
            boolean console) {
        static Plan flood(String tag, int maxBatch, long maxDelayMs, int images) {
            return new Plan(tag, Subject.CLASSIFIER, maxBatch, maxDelayMs, images, 0, 0, false);
        }

        /** The classifier with its default batching, sent {@code rate} images a second. */
        static Plan paced(String tag, int images, double rate) {
            return new Plan(
                    tag,
                    Subject.CLASSIFIER,
                    BatchSettings.DEFAULT_MAX_BATCH,
                    BatchSettings.DEFAULT_MAX_DELAY_MS,
                    images,
                    rate,
                    0,
                    false);
        }

        /** The same run on topics of its own (the tag names them). */
        Plan withTag(String tag) {
            return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, console);
        }

        Plan withSwaps(int swaps) {
            return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, console);
        }

        Plan withConsole() {
            return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, true);
        }
    }

    private MnistDataset test;
    private byte[][] snapshots;
    private KafkaConnection cluster;
    private OnnxSettings onnx;
    private ImageEventEncoding imageEncoding;

    @Override
    public Integer call() throws Exception {
        System.out.println("Machine: " + Machine.describe());
        imageEncoding = ImageEventEncoding.parse(encoding);
        test = MnistFixture.test();
        onnx = new OnnxSettings(
                inferenceThreads == 0 ? Runtime.getRuntime().availableProcessors() : inferenceThreads, spinning);
        // versions 1 .. swaps + 1 of a model trained on the fixture (an untrained one would not pass the
        // promotion gate), signed by a key made for this run, encoded before anything is timed
        MultiLayerNetwork network =
                new Trainer(Recipe.SEED.withEpochs(1), 0).train(MnistFixture.train(), new TrainingListener() {});
        byte[] graph = OnnxExport.export(network);
        snapshots = new byte[swaps + 1][];
        for (int v = 1; v <= swaps + 1; v++) {
            snapshots[v - 1] = SnapshotCodec.encode(
                    Dl4jSnapshots.snapshot(network, MODEL, v, new TrainingFacts("bench", 1, 4000, null, null)), KEY);
        }
        boolean embedded = bootstrapServers == null;
        try (EmbeddedKafka kafka =
                        embedded && !brokerProcess ? EmbeddedKafka.onFreePort().start() : null;
                BrokerProcess ownProcess = embedded && brokerProcess ? BrokerProcess.start() : null) {
            String servers = kafka != null
                    ? kafka.bootstrapServers()
                    : ownProcess != null ? ownProcess.bootstrapServers() : bootstrapServers;
            cluster = new KafkaConnection(servers, client.settings());
            if (ownProcess != null) {
                brokerCpu = ownProcess::cpuNanos;
            }
            System.out.println("Broker: "
                    + (kafka != null
                            ? "embedded in this process"
                            : ownProcess != null
                                    ? "embedded in a JVM of its own (its CPU is in the broker's part)"
                                    : bootstrapServers + " (external: its CPU is not in the table)")
                    + "; image events encoded as " + imageEncoding + "; " + streamThreads + " stream thread(s), "
                    + onnx.intraOpThreads() + " inference thread(s)" + (adaptive ? "" : ", adaptive batching off")
                    + (client.settings().isEmpty() ? "" : "; client settings " + client.settings()));
            warmUp();

            Map<Integer, Double> engineAlone = new java.util.TreeMap<>();
            for (int maxBatch : maxBatches) {
                engineAlone.put(maxBatch, EngineAlone.imagesPerSecond(graph, onnx, test, maxBatch));
            }
            Run passThrough = run(new Plan("pass", Subject.PASS_THROUGH, 1, maxDelayMs, images, 0, 0, false));
            List<String> rows = new ArrayList<>();
            List<String> cpuRows = new ArrayList<>();
            List<String> swapRows = new ArrayList<>();
            List<String> consoleRows = new ArrayList<>();
            rows.add(String.format(
                    Locale.ROOT,
                    "| pass-through | %,.0f | 100 %% | - | - | - | %.0f | - | %.0f | 1.0x | - |",
                    passThrough.perSecond(),
                    passThrough.cpuMicrosPerImage(),
                    passThrough.cpuMicrosPerImage()));
            cpuRows.add(passThrough.cpuRow("pass-through"));
            Run atDefaultBatch = null;
            for (int maxBatch : maxBatches) {
                Run run = run(Plan.flood("b" + maxBatch, maxBatch, maxDelayMs, images));
                if (maxBatch == BatchSettings.DEFAULT_MAX_BATCH) {
                    atDefaultBatch = run;
                }
                rows.add(String.format(
                        Locale.ROOT,
                        "| classifier, max-batch %d | %,.0f | %.0f %% | %,.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1fx |"
                                + " %.3f |",
                        maxBatch,
                        run.perSecond(),
                        100 * run.perSecond() / passThrough.perSecond(),
                        engineAlone.get(maxBatch),
                        run.p50(),
                        run.p99(),
                        run.cpuMicrosPerImage(),
                        run.inferenceMicrosPerImage(),
                        run.outsideInferenceMicrosPerImage(),
                        run.outsideInferenceMicrosPerImage() / passThrough.cpuMicrosPerImage(),
                        (double) run.changelogRecords() / run.count()));
                cpuRows.add(run.cpuRow("max-batch " + maxBatch));
                if (swaps > 0) {
                    swapRows.add(
                            compare(run, Plan.flood("b" + maxBatch, maxBatch, maxDelayMs, images), swaps, cpuRows));
                }
                if (console) {
                    consoleRows.add(compare(run, Plan.flood("b" + maxBatch, maxBatch, maxDelayMs, images), 0, cpuRows));
                }
            }

            List<String> pacedRows = new ArrayList<>();
            if (paced.length > 0 && !noPaced) {
                if (atDefaultBatch == null) {
                    atDefaultBatch = run(Plan.flood("default", BatchSettings.DEFAULT_MAX_BATCH, maxDelayMs, images));
                }
                for (double fraction : paced) {
                    double rate = fraction * atDefaultBatch.perSecond();
                    int count = (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, rate * pacedSeconds));
                    // once untimed at the same rate: the paced path (partial batches) has its own JIT work
                    run(Plan.paced("paced-warm" + Math.round(100 * fraction), count, rate));
                    Run run = run(Plan.paced("paced" + Math.round(100 * fraction), count, rate));
                    pacedRows.add(String.format(
                            Locale.ROOT,
                            "| %.0f %% of the flood rate | %,.0f | %,.0f | %.0f | %.0f | %.0f | %.1f |",
                            100 * fraction,
                            rate,
                            run.perSecond(),
                            run.p50(),
                            run.p99(),
                            run.latenciesMs()[run.latenciesMs().length - 1] * 1.0,
                            run.meanBatch()));
                    cpuRows.add(run.cpuRow(String.format(Locale.ROOT, "paced, %.0f %%", 100 * fraction)));
                }
            }
            print(rows, cpuRows, pacedRows, swapRows, consoleRows);
        }
        return 0;
    }

    private void print(
            List<String> rows,
            List<String> cpuRows,
            List<String> pacedRows,
            List<String> swapRows,
            List<String> consoleRows) {
        printTable(
                String.format(
                        Locale.ROOT,
                        "Flooded: %,d images sent as fast as the producer can, drained from predictions-out; CPU in µs"
                                + " per image; inference = ONNX Runtime's pool plus the stream thread's time inside the"
                                + " engine:",
                        images),
                "| run | img/s end to end | vs pass-through | engine alone at this batch, img/s | p50 ms | p99 ms"
                        + " | CPU/img | inference | outside inference | outside inference vs pass-through CPU/record"
                        + " | buffer changelog records per image |",
                rows);
        if (!pacedRows.isEmpty()) {
            printTable(
                    String.format(
                            Locale.ROOT,
                            "Paced, the classifier's default settings (max-batch %d, max-delay %d ms, adaptive batching"
                                    + " %s), %d s each after an untimed run of the same; latency from the producer's"
                                    + " send to the prediction's emission:",
                            BatchSettings.DEFAULT_MAX_BATCH,
                            BatchSettings.DEFAULT_MAX_DELAY_MS,
                            adaptive ? "on" : "off",
                            pacedSeconds),
                    "| load | img/s sent | img/s end to end | p50 ms | p99 ms | max ms | mean batch |",
                    pacedRows);
        }
        printTable(
                "CPU per image (µs), by part, in the same runs; cores busy = all CPU / wall time:",
                "| run | "
                        + Arrays.stream(CpuLedger.Part.values())
                                .map(p -> p.title)
                                .collect(Collectors.joining(" | ")) + " | total | cores busy |",
                cpuRows);
        if (!swapRows.isEmpty()) {
            printTable(
                    String.format(
                            Locale.ROOT,
                            "%d hot swaps, one every %d ms; %d plain and %d swapping run(s) per max-batch,"
                                    + " alternating; img/s are medians:",
                            swaps,
                            swapIntervalMs,
                            repeats,
                            repeats),
                    "| max-batch | img/s, no swaps | img/s, swapping | change | lost | dead letters | versions served"
                            + " | publish to first prediction p50 ms | max ms |",
                    swapRows);
        }
        if (!consoleRows.isEmpty()) {
            printTable(
                    String.format(
                            Locale.ROOT,
                            "With the web console attached (a page subscribed to its event stream), %d plain and %d"
                                    + " console run(s) per max-batch, alternating; img/s are medians; the console's lag"
                                    + " is what its page showed, sampled every 250 ms:",
                            repeats,
                            repeats),
                    "| max-batch | img/s, no console | img/s, console attached | change | console lag p50 ms | max ms"
                            + " | console CPU per prediction µs | page updates/s |",
                    consoleRows);
        }
    }

    /** A Markdown table after its title; the header's columns give the separator row. */
    private static void printTable(String title, String header, List<String> rows) {
        System.out.printf("%n%s%n%n", title);
        System.out.println(header);
        long columns = header.chars().filter(c -> c == '|').count() - 1;
        System.out.println("|---".repeat((int) columns) + "|");
        rows.forEach(System.out::println);
    }

    /**
     * Plain runs against runs with swaps ({@code swaps > 0}) or with the console attached
     * ({@code swaps == 0}), alternating, so the machine's slow spells hit both alike; one table row.
     */
    private String compare(Run first, Plan plain, int swaps, List<String> cpuRows) throws Exception {
        double[] without = new double[repeats];
        double[] with = new double[repeats];
        long lost = 0;
        long deadLetters = 0;
        List<Long> toServe = new ArrayList<>();
        List<Long> lags = new ArrayList<>();
        long consoleNanos = 0;
        long predictions = 0;
        double updatesPerSecond = 0;
        String kind = swaps > 0 ? "swaps" : "console";
        for (int r = 0; r < repeats; r++) {
            without[r] = r == 0
                    ? first.perSecond()
                    : run(plain.withTag(plain.tag() + "-r" + r)).perSecond();
            Plan other = swaps > 0 ? plain.withSwaps(swaps) : plain.withConsole();
            Run run = run(other.withTag(other.tag() + "-" + kind + r));
            cpuRows.add(
                    run.cpuRow("max-batch " + plain.maxBatch() + ", " + (swaps > 0 ? swaps + " swaps" : "console")));
            with[r] = run.perSecond();
            lost += plain.images() - run.count();
            deadLetters += run.deadLetters();
            Arrays.stream(run.publishToServeMs()).forEach(toServe::add);
            if (run.console() != null) {
                Arrays.stream(run.console().lagSamplesMs()).forEach(lags::add);
                consoleNanos += run.cpuNanos().get(CpuLedger.Part.CONSOLE);
                predictions += run.count();
                updatesPerSecond += run.console().pageUpdates() / (run.wallNanos() / 1e9) / repeats;
            }
        }
        Collections.sort(toServe);
        Collections.sort(lags);
        double change = 100 * (median(with) / median(without) - 1);
        if (swaps > 0) {
            return String.format(
                    Locale.ROOT,
                    "| %d | %,.0f | %,.0f | %+.1f %% | %d | %d | %d of %d | %s | %s |",
                    plain.maxBatch(),
                    median(without),
                    median(with),
                    change,
                    lost,
                    deadLetters,
                    toServe.size(),
                    swaps * repeats,
                    toServe.isEmpty() ? "-" : toServe.get(toServe.size() / 2),
                    toServe.isEmpty() ? "-" : toServe.get(toServe.size() - 1));
        }
        return String.format(
                Locale.ROOT,
                "| %d | %,.0f | %,.0f | %+.1f %% | %s | %s | %.1f | %.1f |",
                plain.maxBatch(),
                median(without),
                median(with),
                change,
                lags.isEmpty() ? "-" : lags.get(lags.size() / 2),
                lags.isEmpty() ? "-" : lags.get(lags.size() - 1),
                consoleNanos / 1e3 / Math.max(1, predictions),
                updatesPerSecond);
    }

    /**
     * Untimed rounds until the JIT has settled: broker, clients, Streams and engine share one JVM,
     * and on two cores C2 takes most of a core for the first minute or more. A round runs the
     * pass-through, the classifier at the smallest (with the console, if it is measured) and largest
     * max-batch, and two seconds of it paced;
     * settled means two rounds in a row agree within 5 % on the classifier at the largest, and the
     * JIT compiled for under a tenth of the last round.
     */
    private void warmUp() throws Exception {
        var compiler = ManagementFactory.getCompilationMXBean();
        int smallest = Arrays.stream(maxBatches).min().orElse(1);
        int largest = Arrays.stream(maxBatches).max().orElse(1);
        int warmUpImages = Math.min(images, 10_000);
        double previous = 0;
        for (int round = 1; round <= warmUpRounds; round++) {
            long compiledBefore = compiler.getTotalCompilationTime();
            long started = System.nanoTime();
            run(new Plan("warm" + round + "p", Subject.PASS_THROUGH, 1, maxDelayMs, warmUpImages, 0, 0, false));
            Plan small = Plan.flood("warm" + round + "s", smallest, maxDelayMs, warmUpImages);
            run(console ? small.withConsole() : small);
            double rate = run(Plan.flood("warm" + round + "l", largest, maxDelayMs, warmUpImages))
                    .perSecond();
            double wallMs = (System.nanoTime() - started) / 1e6;
            double compiledMs = compiler.getTotalCompilationTime() - compiledBefore;
            log.info(
                    "Warm-up round {}: {} img/s at max-batch {}; JIT compiled {} ms of {} ms",
                    round,
                    Math.round(rate),
                    largest,
                    Math.round(compiledMs),
                    Math.round(wallMs));
            boolean agreed = previous > 0 && Math.abs(rate / previous - 1) <= WARM_UP_AGREEMENT;
            boolean compilerQuiet = compiledMs < JIT_QUIET * wallMs;
            if (agreed && compilerQuiet) {
                System.out.printf(
                        Locale.ROOT,
                        "Warm-up: %d rounds; the last two agreed within %.1f %% (%,.0f and %,.0f img/s at max-batch %d),"
                                + " the JIT compiling %.0f ms of the last round's %.1f s%n",
                        round,
                        100 * Math.abs(rate / previous - 1),
                        previous,
                        rate,
                        largest,
                        compiledMs,
                        wallMs / 1000);
                return;
            }
            previous = rate;
        }
        System.out.printf(
                Locale.ROOT,
                "Warm-up: not settled in %d rounds (two in a row within 5 %% and the JIT under a tenth of a round);"
                        + " the timed runs include JIT compilation (see the JIT column)%n",
                warmUpRounds);
    }

    /**
     * One subject on fresh topics (for the classifier, version 1 published and served first), then
     * the plan's images sent while, with swaps, versions 2 .. swaps + 1 are published one per interval.
     */
    private Run run(Plan plan) throws Exception {
        TopicNames topics = TopicNames.DEFAULTS.withPrefix("bench-" + plan.tag() + "-");
        try (Admin admin = Admin.create(cluster.clientConfig(Map.of()))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, TopicLayout.DEFAULT), Duration.ofSeconds(30));
        }
        var settings = ClassifierSettings.builder(cluster, SnapshotTrust.requireSigned(TrustedKeys.of(KEY.publicKey())))
                .optApplicationId("bench-" + plan.tag())
                .optTopics(topics)
                .optBatch(BatchSettings.DEFAULTS
                        .withMaxBatch(plan.maxBatch())
                        .withMaxDelay(Duration.ofMillis(plan.maxDelayMs()))
                        .withAdaptive(adaptive))
                .optStateDir(Files.createTempDirectory("bench-state"))
                .optEngine(new EngineChoice(EngineKind.parse(engine), onnx))
                .optStreamThreads(streamThreads)
                .optCreateTopics(false)
                .optStartupTimeout(Duration.ofSeconds(60))
                .build();
        var meters = new SimpleMeterRegistry();
        boolean classifier = plan.subject() == Subject.CLASSIFIER;
        Run measured;
        try (var snapshotProducer = new KafkaProducer<>(
                        cluster.clientConfig(
                                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSpecs.MAX_SNAPSHOT_BYTES)),
                        new StringSerializer(),
                        new ByteArraySerializer());
                AutoCloseable subject = classifier ? Classifier.start(settings, meters) : PassThrough.start(settings);
                var replayer = new Replayer(cluster, topics.digitsIn(), imageEncoding)) {
            if (classifier) {
                snapshotProducer
                        .send(new ProducerRecord<>(topics.modelSnapshots(), MODEL, snapshots[0]))
                        .get();
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (((Classifier) subject).models().servingVersion().isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the classifier did not serve version 1 within a minute");
                    }
                    Thread.sleep(20);
                }
            }
            AttachedConsole attached = plan.console() ? AttachedConsole.start(cluster, topics, KEY.publicKey()) : null;
            double inferenceBefore = inferenceSeconds(meters);
            CpuLedger cpu = CpuLedger.start(brokerCpu);
            long started = System.nanoTime();
            var producerDone = new AtomicLong();
            Thread producer = new Thread(
                    () -> {
                        long sent = 0;
                        for (int round = 0; sent < plan.images(); round++) {
                            int n = (int) Math.min(test.size(), plan.images() - sent);
                            replayer.replay(
                                    test, new ReplayPlan(0, n, null, plan.rate(), false, "r" + round + "-"), null);
                            sent += n;
                        }
                        producerDone.set(System.nanoTime());
                        cpu.ended(
                                CpuLedger.Part.BENCH_PRODUCER,
                                ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                    },
                    "bench-producer");
            Map<Long, Long> published = new ConcurrentHashMap<>();
            Thread swapper = new Thread(
                    () -> {
                        try {
                            for (int v = 2; v <= plan.swaps() + 1; v++) {
                                Thread.sleep(swapIntervalMs);
                                snapshotProducer
                                        .send(new ProducerRecord<>(topics.modelSnapshots(), MODEL, snapshots[v - 1]))
                                        .get();
                                published.put((long) v, System.currentTimeMillis());
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (Exception e) {
                            throw new IllegalStateException("could not publish a snapshot", e);
                        }
                    },
                    "bench-swaps");
            producer.start();
            swapper.start();
            Drain.Drained drained = Drain.drain(cluster, topics.predictionsOut(), plan.images(), classifier);
            producer.join();
            swapper.join();
            ConsoleSeen consoleSeen = attached == null ? null : attached.finish(drained.count());
            Map<CpuLedger.Part, Long> cpuSpent = cpu.stop();
            if (attached != null) {
                attached.close();
            }
            long[] toServe = published.entrySet().stream()
                    .filter(e -> drained.firstSeenMs().containsKey(e.getKey()))
                    .mapToLong(e -> drained.firstSeenMs().get(e.getKey()) - e.getValue())
                    .sorted()
                    .toArray();
            HistogramSnapshot batches = meters.find("digitstream.batch.size").summary() == null
                    ? null
                    : meters.find("digitstream.batch.size").summary().takeSnapshot();
            measured = new Run(
                    classifier ? "classifier" : "pass-through",
                    drained.count(),
                    plan.images() / ((producerDone.get() - started) / 1e9),
                    drained.count() / ((drained.lastNanos() - started) / 1e9),
                    drained.latenciesMs(),
                    Drain.endOffsets(cluster, topics.deadLetters()),
                    toServe,
                    cpuSpent,
                    drained.lastNanos() - started,
                    (long) ((inferenceSeconds(meters) - inferenceBefore) * 1e9),
                    batches == null ? 0 : batches.mean(),
                    0,
                    consoleSeen);
        }
        if (!classifier) {
            return measured;
        }
        // counted once the classifier has closed, so its last commit has flushed the buffer
        return measured.withChangelogRecords(Drain.endOffsets(
                cluster, settings.applicationId() + "-" + ClassifierTopology.BUFFER_STORE + "-changelog"));
    }

    private static double inferenceSeconds(SimpleMeterRegistry meters) {
        var timer = meters.find("digitstream.inference").timer();
        return timer == null ? 0 : timer.totalTime(TimeUnit.SECONDS);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
