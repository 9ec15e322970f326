package io.digitstream.benchmarks.pipeline;

import io.digitstream.benchmarks.Machine;
import io.digitstream.cli.CommandLines;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.schemas.message.ImageEventEncoding;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A classifier's first minute, as deployed: the broker, the classifier ({@code digitstream-serving
 * classifier}) and this load generator each in a JVM of its own. The topics (one already holding a
 * signed model), the load generator's producer and its reader of predictions live for the whole
 * run, as a deployment's do; each fresh classifier (a new application, starting where the producer
 * is) reports healthy, then images arrive at a steady rate, and the latency of each window of send
 * times is reported, with and without {@code --warm-up}, alternating, in one run. Not a test.
 */
@Command(
        name = "cold-start-bench",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "A fresh classifier process paced from the moment it reports healthy, with and without warm-up.")
public final class ColdStartBench implements Callable<Integer> {
    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new ColdStartBench()).execute(args));
    }

    @Option(names = "--rate", defaultValue = "1000", description = "Images per second from the moment it is healthy.")
    double rate;

    @Option(names = "--seconds", defaultValue = "60", description = "How long each classifier is sent images.")
    int seconds;

    @Option(names = "--window-s", defaultValue = "10", description = "The latency windows, by send time.")
    int windowSeconds;

    @Option(
            names = "--settle-seconds",
            defaultValue = "40",
            description = "First, untimed: one classifier run this long, so the broker and this load generator are"
                    + " warm when the measured classifiers start, as in a deployment a new instance joins.")
    int settleSeconds;

    @Option(names = "--repeats", defaultValue = "2", description = "Classifiers started per setting, alternating.")
    int repeats;

    @Option(
            names = "--flags",
            split = ",",
            defaultValue = "--no-warm-up,--warm-up",
            description = "The classifier settings to compare: its command-line flags, one setting per item"
                    + " (several flags in one item joined by +, e.g. --warm-up+--inference-threads=1); a flag"
                    + " for its JVM, after the image's, starts with jvm: (--warm-up+jvm:-XX:+PrintCompilation), and"
                    + " java: names the Java launcher to run it with instead of this one's.")
    List<String> settings;

    private static final SigningKey KEY = SigningKey.generate();

    private java.util.function.LongSupplier brokerCpuNanos;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || seconds < 1 || windowSeconds < 1 || repeats < 1 || settleSeconds < 0) {
            throw new IllegalArgumentException(
                    "--rate, --seconds, --window-s and --repeats must be positive, --settle-seconds not negative");
        }
        System.out.println("Machine: " + Machine.describe());
        MnistDataset images = MnistFixture.test();
        byte[] snapshot = FixtureModel.signedSnapshot(FixtureModel.train(), 1, KEY);
        Path work = Files.createTempDirectory("cold-start-bench");
        Path logs = Files.createTempDirectory("cold-start-logs");
        System.out.println("The classifiers' logs: " + logs);
        Path trustedKey = Files.writeString(work.resolve("bench.pub"), KEY.publicPem());
        List<String> rows = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.start()) {
            var cluster = KafkaConnection.to(broker.bootstrapServers());
            brokerCpuNanos = broker::cpuNanos;
            System.out.printf(
                    Locale.ROOT,
                    "Broker and classifier each in a JVM of its own (classifier JVM flags %s); %,.0f images/s for %d s"
                            + " from the moment /health answers 200; latency sent -> emitted in ms, by %d s window of"
                            + " send time%n",
                    ClassifierProcess.IMAGE_JVM_FLAGS,
                    rate,
                    seconds,
                    windowSeconds);
            TopicNames topics = TopicNames.DEFAULTS.withPrefix("cold-");
            try (Admin admin = Admin.create(cluster.clientConfig(Map.of()))) {
                TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, TopicLayout.DEFAULT), Duration.ofSeconds(30));
                publish(cluster, topics, snapshot);
                // one producer and one reader for the whole session, as a deployment's producers and
                // consumers run on while a classifier instance joins: a new producer per run met its
                // own first send (metadata, connections) in the first images of every run
                try (Drain drain = Drain.open(cluster, topics.predictionsOut());
                        Replayer replayer = new Replayer(
                                cluster, topics.digitsIn(), ImageEventEncoding.JSON, Replayer.lingerFor(rate))) {
                    var session = new Shared(cluster, topics, admin, drain, replayer, images, trustedKey, work, logs);
                    if (settleSeconds > 0) {
                        coldStart(session, 0, "--warm-up", settleSeconds);
                        System.out.println("settled: the broker and the load generator are warm");
                    }
                    int run = 0;
                    for (int repeat = 0; repeat < repeats; repeat++) {
                        for (String setting : settings) {
                            run++;
                            rows.addAll(coldStart(session, run, setting, seconds));
                        }
                    }
                }
            }
        } finally {
            Utils.delete(work.toFile());
        }
        System.out.println();
        System.out.println("| run | classifier flags | start to healthy | window | images | p50 | p99 | max |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        return 0;
    }

    /** What every run of a session shares: the cluster, its topics and the load generator's clients. */
    private record Shared(
            KafkaConnection cluster,
            TopicNames topics,
            Admin admin,
            Drain drain,
            Replayer replayer,
            MnistDataset images,
            Path trustedKey,
            Path work,
            Path logs) {}

    private static void publish(KafkaConnection cluster, TopicNames topics, byte[] snapshot) throws Exception {
        try (var producer = new KafkaProducer<>(
                cluster.clientConfig(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSpecs.MAX_SNAPSHOT_BYTES)),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.modelSnapshots(), SnapshotHeader.DEFAULT_MODEL_NAME, snapshot))
                    .get();
        }
    }

    /**
     * Deletes what {@code topic} holds, so a classifier of a new application, reading from the
     * earliest offset, starts where the load generator is now, as a new instance of a running
     * application starts from its group's committed offsets.
     */
    private static void emptyTopic(Admin admin, String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
        admin.listOffsets(latest)
                .all()
                .get()
                .forEach((p, end) -> deletions.put(p, RecordsToDelete.beforeOffset(end.offset())));
        admin.deleteRecords(deletions).all().get();
    }

    private List<String> coldStart(Shared session, int run, String setting, int seconds) throws Exception {
        emptyTopic(session.admin(), session.topics().digitsIn());
        MnistDataset images = session.images();
        Replayer replayer = session.replayer();
        Drain drain = session.drain();
        List<String> flags = ClassifierProcess.flagsOf(setting);
        int count = (int) Math.round(rate * seconds);
        Path log = session.logs().resolve("classifier-" + run + ".log");
        try (ClassifierProcess classifier = ClassifierProcess.start(
                session.cluster().bootstrapServers(),
                session.topics(),
                session.trustedKey(),
                "cold" + run,
                session.work().resolve("state" + run),
                flags,
                log)) {
            Duration toHealthy = classifier.awaitReady(Duration.ofMinutes(2));
            long healthyAtMs = System.currentTimeMillis();
            long classifierCpu = classifier.cpuNanos();
            long brokerCpu = brokerCpuNanos.getAsLong();
            var self = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long benchCpu = self.getProcessCpuTime();
            String prefix = "c" + run + "-";
            Thread sender = new Thread(
                    () -> {
                        int sent = 0;
                        for (int pass = 0; sent < count; pass++) {
                            int n = Math.min(images.size(), count - sent);
                            replayer.replay(
                                    images,
                                    new ReplayPlan(0, n, null, rate, false, Drain.passPrefix(prefix, pass)),
                                    null);
                            sent += n;
                        }
                    },
                    "bench-producer");
            sender.start();
            Drain.Drained drained = drain.next(prefix, count, images.size(), true);
            sender.join();
            long rss = classifier.residentBytes();
            Map<String, Double> metrics = classifier.metrics();
            double batches = metrics.getOrDefault("digitstream_batch_size_count", 0.0);
            double wall = (System.currentTimeMillis() - healthyAtMs) / 1000.0;
            if (drained.count() < count) {
                throw new IllegalStateException(drained.count() + " of " + count + " predicted; the classifier's log:\n"
                        + classifier.logTail());
            }
            System.out.printf(
                    Locale.ROOT,
                    "run %d (%s): healthy %.1f s after start; %,d predicted in %.1f s; mean batch %.1f, inference %.1f s;"
                            + " CPU s classifier %.1f, broker %.1f, load generator %.1f; classifier resident %d MB%n",
                    run,
                    setting,
                    toHealthy.toMillis() / 1000.0,
                    drained.count(),
                    wall,
                    batches == 0 ? 0 : metrics.getOrDefault("digitstream_batch_size_sum", 0.0) / batches,
                    metrics.getOrDefault("digitstream_inference_seconds_sum", 0.0),
                    (classifier.cpuNanos() - classifierCpu) / 1e9,
                    (brokerCpuNanos.getAsLong() - brokerCpu) / 1e9,
                    (self.getProcessCpuTime() - benchCpu) / 1e9,
                    rss >> 20);
            return windows(drained, healthyAtMs, run, setting, toHealthy, seconds);
        }
    }

    /** One row per window of send times since the classifier became healthy. */
    private List<String> windows(
            Drain.Drained drained, long healthyAtMs, int run, String setting, Duration toHealthy, int seconds) {
        int windows = (seconds + windowSeconds - 1) / windowSeconds;
        List<List<Long>> latencies = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            latencies.add(new ArrayList<>());
        }
        for (int i = 0; i < drained.sentAtMs().length; i++) {
            long sinceHealthy = drained.sentAtMs()[i] - healthyAtMs;
            int w = (int) Math.min(windows - 1, Math.max(0, sinceHealthy / (windowSeconds * 1000L)));
            latencies.get(w).add(drained.emittedAtMs()[i] - drained.sentAtMs()[i]);
        }
        System.out.println("run " + run + ": " + firstSeconds(drained, healthyAtMs));
        List<String> rows = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            long[] sorted = latencies.get(w).stream()
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
            rows.add(String.format(
                    Locale.ROOT,
                    "| %d | `%s` | %.1f s | %d-%d s | %,d | %s | %s | %s |",
                    run,
                    setting,
                    toHealthy.toMillis() / 1000.0,
                    w * windowSeconds,
                    (w + 1) * windowSeconds,
                    sorted.length,
                    percentile(sorted, 0.5),
                    percentile(sorted, 0.99),
                    percentile(sorted, 1.0)));
        }
        return rows;
    }

    /**
     * The start of a run in finer slots than the windows: the largest latency of each 250 ms of send
     * time over the first 3 s, which shows whether a tail is one stall that drains or spread out.
     */
    private static String firstSeconds(Drain.Drained drained, long healthyAtMs) {
        int slotMs = 250;
        long[] slowest = new long[3000 / slotMs];
        for (int i = 0; i < drained.sentAtMs().length; i++) {
            long sinceHealthy = drained.sentAtMs()[i] - healthyAtMs;
            if (sinceHealthy >= 0 && sinceHealthy < (long) slotMs * slowest.length) {
                int slot = (int) (sinceHealthy / slotMs);
                slowest[slot] = Math.max(slowest[slot], drained.emittedAtMs()[i] - drained.sentAtMs()[i]);
            }
        }
        return "slowest per " + slotMs + " ms of send time over the first 3 s after healthy (ms): "
                + java.util.Arrays.stream(slowest)
                        .mapToObj(Long::toString)
                        .collect(java.util.stream.Collectors.joining(", "));
    }

    private static String percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return "-";
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return Long.toString(sorted[Math.max(0, index)]);
    }
}
