package io.digitstream.benchmarks.pipeline;

import io.digitstream.benchmarks.Machine;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cli.ClientSettingsOptions;
import io.digitstream.cli.CommandLines;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.onnx.OnnxExport;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.schemas.message.ImageEventEncoding;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.TrainingFacts;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingListener;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
            defaultValue = "40",
            description = "At most this many untimed warm-up rounds per subject, on the instance the timed round then"
                    + " measures; they stop once two in a row agree within 5 % (flooded) and the JIT compiled for"
                    + " under a tenth of the last one.")
    int warmUpRounds;

    private static final SigningKey KEY = SigningKey.generate();
    private static final Logger log = LoggerFactory.getLogger(PipelineBench.class);
    private static final double WARM_UP_AGREEMENT = 0.05;
    private static final int PASS_THROUGH_SCALE = 4;
    /** The paced table counts the windows of this length in which the slowest images were sent. */
    private static final long TAIL_WINDOW_MS = 100;
    /** How much longer than its swaps a swapping round is made to last, at the plain round's rate. */
    private static final double SWAP_ROUND_MARGIN = 1.25;
    /** Settled also means the JIT compiled for less than this share of a round's wall time. */
    private static final double JIT_QUIET = 0.10;

    /** What runs between digits-in and predictions-out. */
    enum Subject {
        CLASSIFIER,
        PASS_THROUGH
    }

    /** A subject's settings (tag, subject, max-batch, max-delay) and one round's shape (the rest). */
    record Plan(
            String tag,
            Subject subject,
            int maxBatch,
            long maxDelayMs,
            int images,
            double rate,
            int swaps,
            boolean console,
            Duration producerLinger) {
        static Plan flood(String tag, int maxBatch, long maxDelayMs, int images) {
            return new Plan(tag, Subject.CLASSIFIER, maxBatch, maxDelayMs, images, 0, 0, false, Replayer.FLOOD_LINGER);
        }

        static Plan passThrough(int images) {
            return new Plan(
                    "pass",
                    Subject.PASS_THROUGH,
                    1,
                    BatchSettings.DEFAULT_MAX_DELAY_MS,
                    images,
                    0,
                    0,
                    false,
                    Replayer.FLOOD_LINGER);
        }

        /** The classifier with its default batching, sent {@code rate} images a second by a producer lingering so. */
        static Plan paced(int images, double rate, Duration producerLinger) {
            return new Plan(
                    "paced",
                    Subject.CLASSIFIER,
                    BatchSettings.DEFAULT_MAX_BATCH,
                    BatchSettings.DEFAULT_MAX_DELAY_MS,
                    images,
                    rate,
                    0,
                    false,
                    producerLinger);
        }

        Plan withSwaps(int swaps) {
            return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, console, producerLinger);
        }

        Plan withImages(int images) {
            return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, console, producerLinger);
        }

        Plan withConsole() {
            return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, true, producerLinger);
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
        System.out.println("JVM: flags " + ManagementFactory.getRuntimeMXBean().getInputArguments() + ", collectors "
                + ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(java.lang.management.GarbageCollectorMXBean::getName)
                        .toList()
                + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        imageEncoding = ImageEventEncoding.parse(encoding);
        test = MnistFixture.test();
        onnx = new OnnxSettings(
                inferenceThreads == 0 ? Runtime.getRuntime().availableProcessors() : inferenceThreads, spinning);
        // versions of a model trained on the fixture (an untrained one would not pass the
        // promotion gate), signed by a key made for this run, encoded before anything is timed
        MultiLayerNetwork network =
                new Trainer(Recipe.SEED.withEpochs(1), 0).train(MnistFixture.train(), new TrainingListener() {});
        byte[] graph = OnnxExport.export(network);
        // version 1, then the swaps of an untimed round and of each timed one
        snapshots = new byte[1 + swaps * (repeats + 1)][];
        for (int v = 1; v <= snapshots.length; v++) {
            snapshots[v - 1] = SnapshotCodec.encode(
                    Dl4jSnapshots.snapshot(
                            network,
                            SnapshotHeader.DEFAULT_MODEL_NAME,
                            v,
                            new TrainingFacts("bench", 1, 4000, null, null)),
                    KEY);
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
            var setup = new Session.Setup(
                    cluster,
                    test,
                    snapshots,
                    KEY,
                    imageEncoding,
                    new EngineChoice(EngineKind.parse(engine), onnx),
                    streamThreads,
                    adaptive,
                    brokerCpu,
                    Duration.ofMillis(swapIntervalMs));

            Map<Integer, Double> engineAlone = new java.util.TreeMap<>();
            for (int maxBatch : maxBatches) {
                engineAlone.put(maxBatch, EngineAlone.imagesPerSecond(graph, onnx, test, maxBatch));
            }
            List<String> rows = new ArrayList<>();
            List<Measured> measured = new ArrayList<>();
            List<String> pacedRows = new ArrayList<>();
            List<String> swapRows = new ArrayList<>();
            List<String> consoleRows = new ArrayList<>();
            // four times the images: the pass-through is that much faster, and its rounds should not be
            // too short to measure (or for the JIT's share of one to settle)
            Plan pass = Plan.passThrough(PASS_THROUGH_SCALE * images);
            Run passThrough;
            try (Session session = Session.start(setup, pass)) {
                warmUp(session, pass, "pass-through");
                passThrough = session.round(pass);
            }
            rows.add(String.format(
                    Locale.ROOT,
                    "| pass-through | %,.0f | 100 %% | - | - | - | %.0f | - | %.0f | 1.0x | - |",
                    passThrough.perSecond(),
                    passThrough.cpuMicrosPerImage(),
                    passThrough.cpuMicrosPerImage()));
            measured.add(new Measured("pass-through", passThrough));
            boolean pacing = paced.length > 0 && !noPaced;
            boolean defaults = maxDelayMs == BatchSettings.DEFAULT_MAX_DELAY_MS;
            for (int maxBatch : maxBatches) {
                Plan flood = Plan.flood("b" + maxBatch, maxBatch, maxDelayMs, images);
                try (Session session = Session.start(setup, flood)) {
                    warmUp(session, flood, "classifier, max-batch " + maxBatch);
                    long changelogBefore = session.changelogRecords();
                    Run run = session.round(flood);
                    run = run.withChangelogRecords(session.changelogRecords() - changelogBefore);
                    rows.add(String.format(
                            Locale.ROOT,
                            "| classifier, max-batch %d | %,.0f | %.0f %% | %,.0f | %.0f | %.0f | %.0f | %.0f | %.0f |"
                                    + " %.1fx | %.3f |",
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
                    measured.add(new Measured("max-batch " + maxBatch, run));
                    if (swaps > 0) {
                        swapRows.add(compare(session, run, flood, swaps, measured));
                    }
                    if (console) {
                        consoleRows.add(compare(session, run, flood, 0, measured));
                    }
                    if (pacing && defaults && maxBatch == BatchSettings.DEFAULT_MAX_BATCH) {
                        pacedRows.addAll(paced(session, run, measured));
                        pacing = false;
                    }
                }
            }
            if (pacing) {
                Plan flood = Plan.flood(
                        "default", BatchSettings.DEFAULT_MAX_BATCH, BatchSettings.DEFAULT_MAX_DELAY_MS, images);
                try (Session session = Session.start(setup, flood)) {
                    warmUp(session, flood, "classifier, default settings");
                    pacedRows.addAll(paced(session, session.round(flood), measured));
                }
            }
            print(rows, measured, pacedRows, swapRows, consoleRows);
        }
        return 0;
    }

    private void print(
            List<String> rows,
            List<Measured> measured,
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
                                    + " %s), %d s each after warm-up rounds at the same rate; latency from the"
                                    + " producer's send to the prediction's emission, and (read) to the benchmark's"
                                    + " consumer reading it from predictions-out:",
                            BatchSettings.DEFAULT_MAX_BATCH,
                            BatchSettings.DEFAULT_MAX_DELAY_MS,
                            adaptive ? "on" : "off",
                            pacedSeconds),
                    "| load | producer linger ms | img/s sent | img/s end to end | p50 ms | p99 ms | max ms | read p50 ms"
                            + " | read p99 ms | mean batch | GC pauses, their total | p99 images in flight during a"
                            + " pause | 100 ms windows holding the p99 images |",
                    pacedRows);
        }
        printTable(
                "CPU per image (µs), by part, in the same runs; cores busy = all CPU / wall time:",
                "| run | " + partTitles() + " | total | cores busy |",
                measured.stream().map(m -> m.run().cpuRow(m.name())).toList());
        printTable(
                "Allocated on the Java heap per image (KB), by part, in the same runs (what the GC pauses above"
                        + " clean up):",
                "| run | " + partTitles() + " | total |",
                measured.stream().map(m -> m.run().allocationRow(m.name())).toList());
        if (!swapRows.isEmpty()) {
            printTable(
                    String.format(
                            Locale.ROOT,
                            "%d hot swaps, one every %d ms; %d plain and %d swapping run(s) per max-batch,"
                                    + " alternating, each sending at least --images and enough to last %.2fx as"
                                    + " long as the swaps take; img/s are medians:",
                            swaps,
                            swapIntervalMs,
                            repeats,
                            repeats,
                            SWAP_ROUND_MARGIN),
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

    /** A run in the CPU and allocation tables, under its name. */
    record Measured(String name, Run run) {}

    private static String partTitles() {
        return Arrays.stream(CpuLedger.Part.values()).map(p -> p.title).collect(Collectors.joining(" | "));
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
    private String compare(Session session, Run first, Plan flood, int swaps, List<Measured> measured)
            throws Exception {
        // a swapping round must outlast its swaps (the last one comes swaps x the interval after the
        // start), or the last versions are published after the last image and never serve
        int lastingImages =
                (int) Math.ceil(first.perSecond() * (swaps + 1) * swapIntervalMs / 1000.0 * SWAP_ROUND_MARGIN);
        Plan plain = swaps > 0 && lastingImages > flood.images() ? flood.withImages(lastingImages) : flood;
        Plan other = swaps > 0 ? plain.withSwaps(swaps) : plain.withConsole();
        // once untimed: swapping and the console have JIT work of their own
        session.round(other);
        double[] without = new double[repeats];
        double[] with = new double[repeats];
        long lost = 0;
        long deadLetters = 0;
        List<Long> toServe = new ArrayList<>();
        List<Long> lags = new ArrayList<>();
        long consoleNanos = 0;
        long predictions = 0;
        double updatesPerSecond = 0;
        for (int r = 0; r < repeats; r++) {
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
     * Untimed rounds on the session until the JIT has settled, as it has in a classifier that has
     * served for a while: broker, clients, Streams and engine share this JVM, and on two cores C2
     * takes most of a core for the first minute or more. Settled: the JIT compiled for under a
     * tenth of the last round and, flooded, two rounds in a row agree within 5 %. Prints what it saw.
     */
    private void warmUp(Session session, Plan round, String what) throws Exception {
        var compiler = ManagementFactory.getCompilationMXBean();
        double previous = 0;
        for (int r = 1; r <= warmUpRounds; r++) {
            long compiledBefore = compiler.getTotalCompilationTime();
            long started = System.nanoTime();
            double rate = session.round(round).perSecond();
            double wallMs = (System.nanoTime() - started) / 1e6;
            double compiledMs = compiler.getTotalCompilationTime() - compiledBefore;
            log.info(
                    "Warm-up of {}, round {}: {} img/s; JIT compiled {} ms of {} ms",
                    what,
                    r,
                    Math.round(rate),
                    Math.round(compiledMs),
                    Math.round(wallMs));
            boolean agreed = round.rate() > 0 || previous > 0 && Math.abs(rate / previous - 1) <= WARM_UP_AGREEMENT;
            if (agreed && compiledMs < JIT_QUIET * wallMs) {
                System.out.printf(
                        Locale.ROOT,
                        "Warm-up, %s: settled after %d rounds (%s; the JIT compiled %.0f ms of the last round's %.1f"
                                + " s)%n",
                        what,
                        r,
                        round.rate() > 0
                                ? String.format(Locale.ROOT, "%,.0f img/s paced", round.rate())
                                : String.format(
                                        Locale.ROOT,
                                        "the last two within %.1f %%: %,.0f and %,.0f img/s",
                                        100 * Math.abs(rate / previous - 1),
                                        previous,
                                        rate),
                        compiledMs,
                        wallMs / 1000);
                return;
            }
            previous = rate;
        }
        System.out.printf(
                Locale.ROOT,
                "Warm-up, %s: not settled in %d rounds (two in a row within 5 %% and the JIT under a tenth of a"
                        + " round); its timed run includes JIT compilation (see the JIT column)%n",
                what,
                warmUpRounds);
    }

    /**
     * The classifier with its default settings (this session's) paced at each fraction of its flood
     * rate: warmed at that rate first, since partial batches take paths of their own.
     */
    private List<String> paced(Session session, Run flood, List<Measured> measured) throws Exception {
        List<String> rows = new ArrayList<>();
        for (double fraction : paced) {
            double rate = fraction * flood.perSecond();
            int count = (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, rate * pacedSeconds));
            int[] lingers = pacedLingerMs != null
                    ? pacedLingerMs
                    : new int[] {(int) Replayer.lingerFor(rate).toMillis()};
            for (int lingerMs : lingers) {
                Duration linger = Duration.ofMillis(lingerMs);
                String what =
                        String.format(Locale.ROOT, "paced at %.0f %%, producer linger %d ms", 100 * fraction, lingerMs);
                warmUp(session, Plan.paced(Math.max(500, count / 3), rate, linger), what);
                Run run = session.round(Plan.paced(count, rate, linger));
                long[] tailWindows = run.tailWindows(TAIL_WINDOW_MS);
                rows.add(String.format(
                        Locale.ROOT,
                        "| %.0f %% of the flood rate | %d | %,.0f | %,.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %d,"
                                + " %d ms | %.0f %% | %d of %d |",
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
                        tailWindows[0],
                        tailWindows[1]));
                measured.add(new Measured(what, run));
            }
        }
        return rows;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
