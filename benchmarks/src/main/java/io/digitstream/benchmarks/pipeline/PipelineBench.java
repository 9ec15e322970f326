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
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The pipeline end to end: images waiting on digits-in drained into predictions-out, through a
 * classifier, on an embedded broker or a given cluster. Speed figures for docs/BENCHMARKS.md,
 * measured side by side in one run (these machines are noisy, so ratios are what to compare). Not a test.
 */
@Command(
        name = "pipeline-bench",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description =
                "End to end through an embedded broker: images waiting on digits-in drained into predictions-out.")
public final class PipelineBench implements Callable<Integer> {
    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(new CommandLine(new PipelineBench()).execute(args));
    }

    @Option(names = "--images", defaultValue = "10000")
    int images;

    @Option(
            names = "--bootstrap-servers",
            description = "An existing cluster to run against (for example `digitstream broker` in another process);"
                    + " default: an embedded broker in this process.")
    String bootstrapServers;

    @Mixin
    ClientSettingsOptions client;

    @Option(names = "--max-batches", split = ",", defaultValue = "1,16,64,256")
    int[] maxBatches;

    @Option(names = "--engine", defaultValue = "onnx")
    String engine;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Images/s the producer sends at; 0 = as fast as it can (then latency is queueing).")
    double rate;

    @Option(
            names = "--swaps",
            defaultValue = "0",
            description = "Also run each max-batch while this many newer snapshots are published, one every"
                    + " --swap-interval-ms, and compare (throughput dip, lost, dead letters, publish-to-serve time).")
    int swaps;

    @Option(names = "--inference-spinning", description = "Let the onnx engine's idle threads spin.")
    boolean spinning;

    @Option(
            names = "--max-delay-ms",
            defaultValue = "" + BatchSettings.DEFAULT_MAX_DELAY_MS,
            description = "The classifier's max-delay.")
    long maxDelayMs;

    @Option(names = "--swap-interval-ms", defaultValue = "500")
    long swapIntervalMs;

    @Option(
            names = "--repeats",
            defaultValue = "1",
            description = "With --swaps: plain and swapping runs per max-batch, alternating; medians are compared.")
    int repeats;

    @Option(
            names = "--warm-up-rounds",
            defaultValue = "4",
            description = "At most this many untimed warm-up rounds (each runs the smallest and largest max-batch),"
                    + " stopping when the JIT has settled.")
    int warmUpRounds;

    private static final String MODEL = SnapshotHeader.DEFAULT_MODEL_NAME;
    private static final SigningKey KEY = SigningKey.generate();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PipelineBench.class);

    @Override
    public Integer call() throws Exception {
        System.out.println("Machine: " + Machine.describe());
        MnistDataset test = MnistFixture.test();
        // versions 1 .. swaps + 1 of a model trained on the fixture (an untrained one would not pass the
        // promotion gate), signed by a key made for this run, encoded before anything is timed
        var network = new Trainer(Recipe.SEED.withEpochs(1), 0).train(MnistFixture.train(), new TrainingListener() {});
        byte[][] snapshots = new byte[swaps + 1][];
        for (int v = 1; v <= swaps + 1; v++) {
            snapshots[v - 1] = SnapshotCodec.encode(
                    Dl4jSnapshots.snapshot(network, MODEL, v, new TrainingFacts("bench", 1, 4000, null, null)), KEY);
        }
        try (EmbeddedKafka kafka =
                bootstrapServers == null ? EmbeddedKafka.onFreePort().start() : null) {
            var bootstrap =
                    new KafkaConnection(kafka == null ? bootstrapServers : kafka.bootstrapServers(), client.settings());
            System.out.println("Broker: "
                    + (kafka == null
                            ? bootstrapServers + " (external: its CPU is not in the table)"
                            : "embedded in this process"));
            warmUp(bootstrap, test, snapshots);
            var rows = new java.util.ArrayList<String>();
            var cpuRows = new java.util.ArrayList<String>();
            var swapRows = new java.util.ArrayList<String>();
            double perRecord = 0;
            for (int maxBatch : maxBatches) {
                Run run = run(bootstrap, test, maxBatch, snapshots, 0, "", images);
                if (maxBatch == 1 || perRecord == 0) {
                    perRecord = run.perSecond();
                }
                rows.add(String.format(
                        Locale.ROOT,
                        "| %d | %,.0f | %,.0f | %.1fx | %.0f | %.0f | %.3f |",
                        maxBatch,
                        run.produced(),
                        run.perSecond(),
                        run.perSecond() / perRecord,
                        run.p50(),
                        run.p99(),
                        (double) run.changelogRecords() / run.count()));
                cpuRows.add(run.cpuRow(Integer.toString(maxBatch)));
                if (swaps > 0) {
                    // plain and swapping runs alternate, so the machine's slow spells hit both alike
                    double[] plain = new double[repeats];
                    double[] swapping = new double[repeats];
                    long lost = 0;
                    long deadLetters = 0;
                    var toServe = new java.util.ArrayList<Long>();
                    for (int r = 0; r < repeats; r++) {
                        plain[r] = r == 0
                                ? run.perSecond()
                                : run(bootstrap, test, maxBatch, snapshots, 0, "r" + r + "-", images)
                                        .perSecond();
                        Run swapped = run(bootstrap, test, maxBatch, snapshots, swaps, "swaps-r" + r + "-", images);
                        cpuRows.add(swapped.cpuRow(maxBatch + ", " + swaps + " swaps"));
                        swapping[r] = swapped.perSecond();
                        lost += images - swapped.count();
                        deadLetters += swapped.deadLetters();
                        Arrays.stream(swapped.publishToServeMs()).forEach(toServe::add);
                    }
                    java.util.Collections.sort(toServe);
                    swapRows.add(String.format(
                            Locale.ROOT,
                            "| %d | %,.0f | %,.0f | %+.1f %% | %d | %d | %d of %d | %s | %s |",
                            maxBatch,
                            median(plain),
                            median(swapping),
                            100 * (median(swapping) / median(plain) - 1),
                            lost,
                            deadLetters,
                            toServe.size(),
                            swaps * repeats,
                            toServe.isEmpty() ? "-" : toServe.get(toServe.size() / 2),
                            toServe.isEmpty() ? "-" : toServe.get(toServe.size() - 1)));
                }
            }
            System.out.println();
            System.out.println("| max-batch | produced img/s | end-to-end img/s | vs max-batch 1 | p50 ms | p99 ms"
                    + " | buffer changelog records per image |");
            System.out.println("|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println(
                    "CPU per image (microseconds), by part, in the same runs; cores busy = all CPU / wall time:");
            System.out.println();
            System.out.println("| run (max-batch) | "
                    + Arrays.stream(CpuLedger.Part.values())
                            .map(p -> p.title)
                            .collect(java.util.stream.Collectors.joining(" | "))
                    + " | total | cores busy |");
            System.out.println("|---".repeat(CpuLedger.Part.values().length + 3) + "|");
            cpuRows.forEach(System.out::println);
            if (swaps > 0) {
                System.out.println();
                System.out.printf(
                        Locale.ROOT,
                        "%d hot swaps, one every %d ms; %d plain and %d swapping run(s) per max-batch,"
                                + " alternating; img/s are medians:%n%n",
                        swaps,
                        swapIntervalMs,
                        repeats,
                        repeats);
                System.out.println("| max-batch | img/s, no swaps | img/s, swapping | change | lost | dead letters"
                        + " | versions served | publish to first prediction p50 ms | max ms |");
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                swapRows.forEach(System.out::println);
                if (swapRows.stream()
                        .anyMatch(row -> !row.contains(" " + swaps * repeats + " of " + swaps * repeats + " "))) {
                    System.out.printf(
                            Locale.ROOT,
                            "%nWhere fewer versions were served than published, the runs ended before every"
                                    + " swap (or a newer snapshot came before a batch ran): those runs had fewer than %d swaps;"
                                    + " raise --images or lower --swap-interval-ms.%n",
                            swaps);
                }
            }
        }
        return 0;
    }

    /**
     * Untimed runs until the JIT settles. Broker, clients, streams and engine share one JVM, and
     * on two cores C2 took most of a core for the first half minute or more (JFR: single Kafka
     * methods compiling for over a second): timed runs would otherwise measure the compiler.
     * Settled means compilation took under 10 % of the last warm-up round's wall time; on two
     * cores it rarely does within a few rounds (Kafka's broker and clients are a lot of code),
     * so the CPU table's JIT column says what compilation still cost in the timed runs.
     */
    private void warmUp(KafkaConnection bootstrap, MnistDataset test, byte[][] snapshots) throws Exception {
        var compiler = java.lang.management.ManagementFactory.getCompilationMXBean();
        int smallest = Arrays.stream(maxBatches).min().orElse(1);
        int largest = Arrays.stream(maxBatches).max().orElse(1);
        for (int round = 1; round <= warmUpRounds; round++) {
            long compiledBefore = compiler.getTotalCompilationTime();
            long started = System.nanoTime();
            // both ends of the batch range: per-record and full-batch paths differ
            run(bootstrap, test, smallest, snapshots, 0, "warmup" + round + "-", Math.min(images, 5_000));
            run(bootstrap, test, largest, snapshots, 0, "warmup" + round + "b-", Math.min(images, 5_000));
            double wallMs = (System.nanoTime() - started) / 1e6;
            double compiledMs = compiler.getTotalCompilationTime() - compiledBefore;
            log.info(
                    "Warm-up round {}: JIT compiled for {} ms of {} ms",
                    round,
                    Math.round(compiledMs),
                    Math.round(wallMs));
            if (compiledMs < 0.10 * wallMs) {
                System.out.printf(
                        Locale.ROOT,
                        "Warm-up: %d round(s) until the JIT settled (%.0f ms compiling in %.1f s)%n",
                        round,
                        compiledMs,
                        wallMs / 1000);
                return;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "Warm-up: the JIT had not settled after %d round(s); the timed runs include"
                        + " compilation (see the JIT column)%n",
                warmUpRounds);
    }

    /**
     * One classifier on fresh topics: version 1 published and served, then {@code images} sent
     * while, with {@code swaps > 0}, versions 2 .. swaps + 1 are published one per interval.
     */
    private Run run(
            KafkaConnection bootstrap,
            MnistDataset test,
            int maxBatch,
            byte[][] snapshots,
            int swaps,
            String tag,
            int images)
            throws Exception {
        TopicNames topics = TopicNames.DEFAULTS.withPrefix("bench-" + tag + maxBatch + "-");
        try (Admin admin = Admin.create(bootstrap.clientConfig(Map.of()))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, TopicLayout.DEFAULT), Duration.ofSeconds(30));
        }
        var settings = ClassifierSettings.builder(
                        bootstrap, SnapshotTrust.requireSigned(TrustedKeys.of(KEY.publicKey())))
                .optApplicationId("bench-" + tag + maxBatch)
                .optTopics(topics)
                .optBatch(BatchSettings.DEFAULTS.withMaxBatch(maxBatch).withMaxDelay(Duration.ofMillis(maxDelayMs)))
                .optStateDir(Files.createTempDirectory("bench-state"))
                .optEngine(new EngineChoice(
                        EngineKind.parse(engine),
                        new OnnxSettings(Runtime.getRuntime().availableProcessors(), spinning)))
                .optCreateTopics(false)
                .optStartupTimeout(Duration.ofSeconds(60))
                .build();
        Run measured;
        try (var snapshotProducer = new KafkaProducer<>(
                        bootstrap.clientConfig(
                                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSpecs.MAX_SNAPSHOT_BYTES)),
                        new StringSerializer(),
                        new ByteArraySerializer());
                var classifier = Classifier.start(settings, new SimpleMeterRegistry());
                var replayer = new Replayer(bootstrap, topics.digitsIn())) {
            snapshotProducer
                    .send(new ProducerRecord<>(topics.modelSnapshots(), MODEL, snapshots[0]))
                    .get();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (classifier.models().servingVersion().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the classifier did not serve version 1 within a minute");
                }
                Thread.sleep(50);
            }
            CpuLedger cpu = CpuLedger.start();
            long started = System.nanoTime();
            var producerDone = new java.util.concurrent.atomic.AtomicLong();
            Thread producerThread = new Thread(
                    () -> {
                        long sent = 0;
                        for (int from = 0; sent < images; from++) {
                            int n = (int) Math.min(test.size(), images - sent);
                            replayer.replay(test, new ReplayPlan(0, n, null, rate, false, "r" + from + "-"), null);
                            sent += n;
                        }
                        producerDone.set(System.nanoTime());
                        cpu.ended(
                                CpuLedger.Part.BENCH_PRODUCER,
                                java.lang.management.ManagementFactory.getThreadMXBean()
                                        .getCurrentThreadCpuTime());
                    },
                    "bench-producer");
            Map<Long, Long> published = new java.util.concurrent.ConcurrentHashMap<>();
            Thread swapThread = new Thread(
                    () -> {
                        try {
                            for (int v = 2; v <= swaps + 1; v++) {
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
            producerThread.start();
            swapThread.start();
            Drained drained = drain(bootstrap, topics, images);
            producerThread.join();
            swapThread.join();
            Map<CpuLedger.Part, Long> cpuSpent = cpu.stop();
            long[] toServe = published.entrySet().stream()
                    .filter(e -> drained.firstSeenMs().containsKey(e.getKey()))
                    .mapToLong(e -> drained.firstSeenMs().get(e.getKey()) - e.getValue())
                    .sorted()
                    .toArray();
            measured = new Run(
                    drained.count(),
                    images / ((producerDone.get() - started) / 1e9),
                    drained.count() / ((drained.lastNanos() - started) / 1e9),
                    drained.latenciesMs(),
                    deadLetters(bootstrap, topics),
                    toServe,
                    cpuSpent,
                    drained.lastNanos() - started,
                    0);
        }
        // counted once the classifier has closed, so its last commit has flushed the buffer
        return measured.withChangelogRecords(
                endOffsets(bootstrap, settings.applicationId() + "-" + ClassifierTopology.BUFFER_STORE + "-changelog"));
    }

    /** What one run measured. */
    record Run(
            int count,
            double produced,
            double perSecond,
            long[] latenciesMs,
            long deadLetters,
            long[] publishToServeMs,
            Map<CpuLedger.Part, Long> cpuNanos,
            long wallNanos,
            long changelogRecords) {
        Run withChangelogRecords(long records) {
            return new Run(
                    count,
                    produced,
                    perSecond,
                    latenciesMs,
                    deadLetters,
                    publishToServeMs,
                    cpuNanos,
                    wallNanos,
                    records);
        }

        /** One row of the CPU table: microseconds of CPU per image by part, then cores busy. */
        String cpuRow(String run) {
            var row = new StringBuilder("| " + run + " |");
            long total = 0;
            for (CpuLedger.Part part : CpuLedger.Part.values()) {
                long nanos = cpuNanos.get(part);
                total += nanos;
                row.append(String.format(Locale.ROOT, " %.0f |", nanos / 1e3 / count));
            }
            return row.append(String.format(
                            Locale.ROOT, " %.0f | %.2f |", total / 1e3 / count, (double) total / wallNanos))
                    .toString();
        }

        double p50() {
            return latenciesMs[latenciesMs.length / 2];
        }

        double p99() {
            return latenciesMs[(int) Math.min(latenciesMs.length - 1, Math.ceil(latenciesMs.length * 0.99) - 1)];
        }
    }

    /** What the drain saw: distinct ids, when the last came, each one's latency, each version's first sighting. */
    record Drained(int count, long lastNanos, long[] latenciesMs, Map<Long, Long> firstSeenMs) {}

    /**
     * Reads predictions-out until every image is predicted or nothing new came for 30 s. It reads
     * only the three fields it needs with Jackson's streaming parser: decoding ten probabilities
     * per record made this benchmark's own consumer take as much CPU as the stream thread.
     */
    private static Drained drain(KafkaConnection bootstrap, TopicNames topics, int images) {
        try (var consumer = new KafkaConsumer<>(
                bootstrap.clientConfig(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.predictionsOut()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<String> ids = new HashSet<>();
            Map<Long, Long> firstSeen = new java.util.HashMap<>();
            long[] latencies = new long[images];
            long last = System.nanoTime();
            while (ids.size() < images
                    && System.nanoTime() - last < Duration.ofSeconds(30).toNanos()) {
                for (var record : consumer.poll(Duration.ofMillis(20))) {
                    long[] timing = timing(record.value());
                    firstSeen.putIfAbsent(timing[0], timing[2]);
                    if (ids.add(record.key()) && ids.size() <= images) {
                        latencies[ids.size() - 1] = timing[2] - timing[1];
                        last = System.nanoTime();
                    }
                }
            }
            long[] seen = Arrays.copyOf(latencies, Math.min(ids.size(), images));
            Arrays.sort(seen);
            return new Drained(seen.length, last, seen, firstSeen);
        }
    }

    /** modelVersion, sentAt and emittedAt of a Prediction, other fields skipped unparsed. */
    private static long[] timing(byte[] prediction) {
        long[] timing = new long[3];
        try (var parser =
                io.digitstream.schemas.message.Json.MAPPER.getFactory().createParser(prediction)) {
            parser.nextToken();
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "modelVersion" -> timing[0] = parser.getLongValue();
                    case "sentAt" -> timing[1] = parser.getLongValue();
                    case "emittedAt" -> timing[2] = parser.getLongValue();
                    default -> parser.skipChildren();
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not a prediction: " + e.getMessage(), e);
        }
        return timing;
    }

    private static long deadLetters(KafkaConnection bootstrap, TopicNames topics) {
        return endOffsets(bootstrap, topics.deadLetters());
    }

    /** Records written to a topic, summed over its partitions. */
    private static long endOffsets(KafkaConnection bootstrap, String topic) {
        try (var consumer = new KafkaConsumer<>(
                bootstrap.clientConfig(Map.of()), new StringDeserializer(), new StringDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
