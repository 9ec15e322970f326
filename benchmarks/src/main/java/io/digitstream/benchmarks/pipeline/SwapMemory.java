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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What hot swaps cost a serving classifier in memory (issue 27): one classifier as deployed
 * ({@link ClassifierProcess}, its own JVM with the image's flags), the broker in another, images
 * at a steady rate from this one, and {@code --swaps} new signed versions published one after
 * another, each once the previous serves. Every {@code --every} swaps it prints the classifier's
 * resident memory and its Java heap (from its GC log), and at the end which engine each version loaded
 * with (an int8 graph beside each float32 one is what a swap adds with {@code --engine auto} on
 * a CPU where int8 serves). Memory, not speed; not a test.
 */
@Command(
        name = "swap-memory",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "A deployed classifier's resident memory over many hot swaps.")
public final class SwapMemory implements Callable<Integer> {
    private static final SigningKey KEY = SigningKey.generate();
    private static final Pattern SERVING = Pattern.compile("Now serving \\S+ v\\d+ \\(engine (\\S+)\\)");
    /** A G1 pause in the classifier's GC log: heap in use before, after, and committed. */
    private static final Pattern HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new SwapMemory()).execute(args));
    }

    @Option(names = "--swaps", defaultValue = "100", description = "New versions published after the first.")
    int swaps;

    @Option(names = "--every", defaultValue = "10", description = "Print memory every N swaps.")
    int every;

    @Option(names = "--rate", defaultValue = "200", description = "Images per second sent throughout.")
    double rate;

    @Override
    public Integer call() throws Exception {
        if (swaps < 1 || every < 1 || rate <= 0) {
            throw new IllegalArgumentException("--swaps, --every and --rate must be positive");
        }
        System.out.println("Machine: " + Machine.describe());
        MultiLayerNetwork network = FixtureModel.train();
        Path work = Files.createTempDirectory("swap-memory-bench");
        Path trustedKey = Files.writeString(work.resolve("bench.pub"), KEY.publicPem());
        Path log = work.resolve("classifier.log");
        System.out.println("The classifier's log: " + log);
        TopicNames topics = TopicNames.DEFAULTS.withPrefix("swaps-");
        MnistDataset images = MnistFixture.test();
        try (BrokerProcess broker = BrokerProcess.start()) {
            var cluster = KafkaConnection.to(broker.bootstrapServers());
            try (Admin admin = Admin.create(cluster.clientConfig(Map.of()))) {
                TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, TopicLayout.DEFAULT), Duration.ofSeconds(30));
            }
            try (var snapshots = new KafkaProducer<>(
                            cluster.clientConfig(
                                    Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSpecs.MAX_SNAPSHOT_BYTES)),
                            new StringSerializer(),
                            new ByteArraySerializer());
                    Replayer replayer = new Replayer(
                            cluster, topics.digitsIn(), ImageEventEncoding.JSON, Replayer.lingerFor(rate))) {
                publish(snapshots, topics, network, 1);
                try (ClassifierProcess classifier = ClassifierProcess.start(
                        cluster.bootstrapServers(),
                        topics,
                        trustedKey,
                        "swaps",
                        work.resolve("state"),
                        List.of(),
                        log)) {
                    classifier.awaitReady(Duration.ofMinutes(2));
                    var sending = new AtomicBoolean(true);
                    // passes of about a second each, so the sender notices the end within one
                    int perPass = (int) Math.max(1, Math.min(images.size(), rate));
                    Thread sender = new Thread(
                            () -> {
                                for (int pass = 0; sending.get(); pass++) {
                                    replayer.replay(
                                            images,
                                            new ReplayPlan(0, perPass, null, rate, false, "p" + pass + "-"),
                                            null);
                                }
                            },
                            "bench-producer");
                    sender.setDaemon(true);
                    sender.start();
                    System.out.printf(
                            Locale.ROOT,
                            "One classifier as deployed (JVM flags %s), %,.0f images/s throughout; a new signed"
                                    + " version published as soon as the last serves%n%n",
                            ClassifierProcess.IMAGE_JVM_FLAGS,
                            rate);
                    System.out.println(
                            "| swaps | serving | resident MB | Java heap after the last GC MB | heap committed MB | elapsed s |");
                    System.out.println("|---|---|---|---|---|---|");
                    long started = System.nanoTime();
                    row(classifier, log, 0, started);
                    for (long version = 2; version <= swaps + 1; version++) {
                        publish(snapshots, topics, network, version);
                        awaitServing(classifier, version);
                        if ((version - 1) % every == 0) {
                            row(classifier, log, version - 1, started);
                        }
                    }
                    sending.set(false);
                    sender.join();
                }
            }
        }
        Map<String, Long> engines = Files.readAllLines(log).stream()
                .map(SERVING::matcher)
                .filter(Matcher::find)
                .collect(Collectors.groupingBy(m -> m.group(1), Collectors.counting()));
        System.out.println();
        System.out.println("Versions loaded, by engine: " + engines);
        return 0;
    }

    private static void publish(
            KafkaProducer<String, byte[]> producer, TopicNames topics, MultiLayerNetwork network, long version)
            throws Exception {
        producer.send(new ProducerRecord<>(
                        topics.modelSnapshots(),
                        SnapshotHeader.DEFAULT_MODEL_NAME,
                        FixtureModel.signedSnapshot(network, version, KEY)))
                .get();
    }

    private static void awaitServing(ClassifierProcess classifier, long version) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (classifier.metrics().getOrDefault("digitstream_model_version", 0.0) < version) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("v" + version
                        + " did not serve within a minute; the classifier's log:\n" + classifier.logTail());
            }
            Thread.sleep(20);
        }
    }

    private static void row(ClassifierProcess classifier, Path log, long swaps, long started) throws Exception {
        String after = "-";
        String committed = "-";
        for (String line : Files.readAllLines(ClassifierProcess.gcLog(log))) {
            var heap = HEAP.matcher(line);
            if (heap.find()) {
                after = heap.group(2);
                committed = heap.group(3);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "| %d | v%.0f | %d | %s | %s | %.1f |%n",
                swaps,
                classifier.metrics().getOrDefault("digitstream_model_version", 0.0),
                classifier.residentBytes() >> 20,
                after,
                committed,
                (System.nanoTime() - started) / 1e9);
        System.out.flush();
    }
}
