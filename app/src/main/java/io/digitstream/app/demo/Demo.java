package io.digitstream.app.demo;

import io.digitstream.accuracy.AccuracyBoard;
import io.digitstream.accuracy.AccuracyTopology;
import io.digitstream.app.command.StopSignal;
import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.StreamsDefaults;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.console.Console;
import io.digitstream.console.ConsoleSettings;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.publish.SnapshotPublisher;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.TrainingListener;
import io.digitstream.trainer.training.TrainingRun;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process. A trainer thread publishes a first model after a few
 * batches and better ones as it goes on; the classifier serves and hot-swaps them; the replay
 * starts once the first model serves; a live view shows accuracy by version until every replayed
 * image has its prediction.
 */
public final class Demo {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    private static final int DEFAULT_KAFKA_PORT = 9092;
    /** The demo's console answers this machine only. */
    private static final String LOOPBACK = "127.0.0.1";

    private final DemoSettings settings;
    private final DemoView view;

    public Demo(DemoSettings settings, DemoView view) {
        this.settings = settings;
        this.view = view;
    }

    /**
     * The demo's steps, in order: a cluster, the topics, the console, the data, then the parts
     * (classifier, accuracy, follower, trainer), the first model, the replay shown live, the
     * summary, and serving on until Ctrl-C when asked to.
     */
    public DemoSummary run() throws InterruptedException {
        long started = System.nanoTime();
        EmbeddedKafka embedded = null;
        Console console = null;
        // when the demo serves on after its summary, Ctrl-C ends it: everything below closes first
        StopSignal stopSignal = settings.keepServing() ? StopSignal.install("demo") : null;
        try {
            if (settings.bootstrapServers().isEmpty()) {
                embedded = startEmbeddedBroker();
            }
            String bootstrap = embedded != null
                    ? embedded.bootstrapServers()
                    : settings.bootstrapServers().orElseThrow();
            TopicNames topics = createTopics(bootstrap);
            // the trainer signs with a key made for this run; the classifier and the console trust that key alone
            SigningKey signingKey = SigningKey.generate();
            log.info("Snapshots are signed with a key made for this run: {}", signingKey.keyId());
            var trust = SnapshotTrust.requireSigned(TrustedKeys.of(signingKey.publicKey()));
            ClassifierSettings classifierSettings = classifierSettings(bootstrap, topics, trust);
            console = startConsole(classifierSettings, topics, trust);
            announce(bootstrap, embedded != null);
            MnistData data = loadData();
            return serve(
                    new Parts(started, bootstrap, topics, signingKey, classifierSettings, console), data, stopSignal);
        } finally {
            if (console != null) {
                console.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            if (stopSignal != null) {
                stopSignal.close();
            }
        }
    }

    /** What every later step shares: where, which topics, which key, and the console if there is one. */
    private record Parts(
            long started,
            String bootstrap,
            TopicNames topics,
            SigningKey signingKey,
            ClassifierSettings classifierSettings,
            Console console) {}

    private record MnistData(MnistDataset train, MnistDataset test) {}

    /** What the demo's threads report while it runs, read by the live view and the summary. */
    private static final class Progress {
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final AccuracyBoard board = new AccuracyBoard();
        final Set<String> predicted = ConcurrentHashMap.newKeySet();
        final Set<Long> versionsServing = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
        final AtomicInteger snapshots = new AtomicInteger();
        final AtomicLong sent = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean summarised = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
    }

    private static EmbeddedKafka startEmbeddedBroker() {
        return EmbeddedKafka.create(portIsFree(DEFAULT_KAFKA_PORT) ? DEFAULT_KAFKA_PORT : 0, Map.of())
                .start();
    }

    private TopicNames createTopics(String bootstrap) {
        TopicNames topics = TopicNames.DEFAULTS.withPrefix(settings.topicPrefix());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, TopicLayout.DEFAULT), Duration.ofSeconds(30));
        }
        return topics;
    }

    private ClassifierSettings classifierSettings(String bootstrap, TopicNames topics, SnapshotTrust trust) {
        return ClassifierSettings.builder(KafkaConnection.to(bootstrap), trust)
                .optApplicationId("digitstream-demo-" + settings.topicPrefix() + "classifier")
                .optTopics(topics)
                .optBatch(BatchSettings.DEFAULTS.withMaxBatch(settings.maxBatch()))
                .optStateDir(settings.workDir().resolve("classifier-state"))
                .optCreateTopics(false)
                .optStartupTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** The console on the loopback, its address printed first; none with a negative port. */
    private Console startConsole(ClassifierSettings classifierSettings, TopicNames topics, SnapshotTrust trust) {
        if (settings.consolePort() < 0) {
            return null;
        }
        int port = settings.consolePort() == 0 || portIsFree(settings.consolePort()) ? settings.consolePort() : 0;
        Console console =
                Console.start(ConsoleSettings.of(classifierSettings.cluster(), trust, classifierSettings.holdout())
                        .withTopics(topics)
                        .withAddress(LOOPBACK, port));
        view.line("Console: " + console.url() + "  (open it: the live stream, every hot swap, draw a digit)");
        return console;
    }

    private void announce(String bootstrap, boolean embedded) {
        if (settings.logFile().isPresent()) {
            view.line("Logs: " + settings.logFile().get());
        }
        view.line(
                embedded
                        ? "Kafka: " + bootstrap
                                + " (an embedded single-node KRaft broker; point kcat at it while the demo runs)"
                        : "Kafka: " + bootstrap);
    }

    private MnistData loadData() {
        if (settings.quick()) {
            return new MnistData(MnistFixture.train(), MnistFixture.test());
        }
        view.line("Loading MNIST (fetched and verified on first use into " + settings.dataDir() + ")...");
        var store = MnistStore.withDefaults(settings.dataDir());
        return new MnistData(store.train(), store.test());
    }

    /** The parts running together: from the first model to the summary, and on until Ctrl-C if asked. */
    private DemoSummary serve(Parts parts, MnistData data, StopSignal stopSignal) throws InterruptedException {
        int replayCount = Math.min(settings.replayCount(), data.test().size());
        String runId = "demo-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        var progress = new Progress();
        KafkaStreams accuracy = null;
        Thread follower = null;
        Thread trainer = null;
        Thread replay = null;
        try (Classifier classifier = Classifier.start(parts.classifierSettings(), progress.meters);
                var publisher = new SnapshotPublisher(parts.bootstrap(), parts.topics(), Duration.ofSeconds(30))) {
            accuracy = startAccuracy(parts);
            follower = thread(
                    "demo-follower",
                    () -> follow(parts.bootstrap(), parts.topics(), runId, progress),
                    progress.failure);
            trainer = thread("demo-trainer", () -> train(parts, data, publisher, progress), progress.failure);

            long deadline = System.nanoTime() + settings.timeout().toNanos();
            awaitFirstModel(classifier, progress, deadline);
            replay = thread(
                    "demo-replay", () -> replay(parts, data.test(), replayCount, runId, progress), progress.failure);
            showUntilPredicted(parts, classifier, progress, replayCount, deadline);
            awaitAccuracyReports(progress);

            progress.summarised.set(true);
            trainer.interrupt();
            trainer.join(30_000); // it stops between batches; its publisher closes after this block
            DemoSummary summary = summary(parts, progress);
            view.release();
            view.line(summary.render().stripTrailing());
            if (stopSignal != null) {
                serveUntilStopped(parts, stopSignal);
            }
            return summary;
        } finally {
            progress.stop.set(true);
            for (Thread t : new Thread[] {trainer, replay}) {
                if (t != null) {
                    t.interrupt();
                    t.join(30_000);
                }
            }
            if (follower != null) {
                follower.join(10_000);
            }
            if (accuracy != null) {
                StreamsDefaults.closeLeavingGroup(accuracy, StopSignal.CLOSE_TIMEOUT);
            }
        }
    }

    private KafkaStreams startAccuracy(Parts parts) {
        var accuracy = new KafkaStreams(
                AccuracyTopology.build(parts.topics(), AccuracyTopology.DEFAULT_WINDOW),
                AccuracyTopology.streamsProperties(
                        KafkaConnection.to(parts.bootstrap()),
                        "digitstream-demo-" + settings.topicPrefix() + "accuracy",
                        settings.workDir().resolve("accuracy-state")));
        accuracy.start();
        return accuracy;
    }

    /** The trainer's thread: the seed recipe, a snapshot every few batches, each announced until the summary. */
    private void train(Parts parts, MnistData data, SnapshotPublisher publisher, Progress progress) {
        var recipe = Recipe.SEED.withEpochs(settings.epochs());
        new TrainingRun(
                        recipe,
                        SnapshotHeader.DEFAULT_MODEL_NAME,
                        settings.snapshotEvery(),
                        settings.quick() ? 200 : 2000,
                        settings.workDir().resolve("models"),
                        Optional.of(publisher),
                        Optional.of(parts.signingKey()))
                .run(data.train(), data.test(), new TrainingListener() {}, p -> {
                    progress.snapshots.incrementAndGet();
                    if (progress.summarised.get()) {
                        return; // the trainer finishes a batch after the summary; keep it last
                    }
                    view.line(String.format(
                            Locale.ROOT,
                            "trainer: published v%d after %.2f epochs (test accuracy %.2f %% on %d images)",
                            p.snapshot().header().version(),
                            p.snapshot().header().training().epochs(),
                            100 * p.evaluation().accuracy(),
                            p.evaluation().examples()));
                });
    }

    private void awaitFirstModel(Classifier classifier, Progress progress, long deadline) throws InterruptedException {
        view.line("Waiting for the first model to be trained, published and loaded...");
        while (classifier.models().servingVersion().isEmpty()
                && progress.failure.get() == null
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (classifier.models().servingVersion().isEmpty()) {
            throw new IllegalStateException("No model was served within " + settings.timeout(), progress.failure.get());
        }
    }

    private void replay(Parts parts, MnistDataset test, int replayCount, String runId, Progress progress) {
        try (var replayer = new Replayer(parts.bootstrap(), parts.topics().digitsIn())) {
            replayer.replay(
                    test,
                    new ReplayPlan(0, replayCount, null, settings.replayRate(), false, runId),
                    (n, total, perSecond) -> progress.sent.set(n));
        }
    }

    /** The live view, redrawn every second, until every replayed image has its prediction. */
    private void showUntilPredicted(
            Parts parts, Classifier classifier, Progress progress, int replayCount, long deadline)
            throws InterruptedException {
        long nextView = 0;
        while (progress.predicted.size() < replayCount
                && progress.failure.get() == null
                && System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextView) {
                view.block(String.format(
                        Locale.ROOT,
                        "%n[%4.0f s] serving v%d | sent %,d/%,d | predicted %,d%n%s",
                        (System.nanoTime() - parts.started()) / 1e9,
                        classifier.models().servingVersion().orElse(0L),
                        progress.sent.get(),
                        replayCount,
                        progress.predicted.size(),
                        progress.board.render()));
                nextView = System.nanoTime() + 1_000_000_000L;
            }
            Thread.sleep(50);
        }
        if (progress.failure.get() != null) {
            throw new IllegalStateException(
                    "The demo failed: " + progress.failure.get().getMessage(), progress.failure.get());
        }
    }

    /** The accuracy app reports on its commit interval: wait, bounded, for it to catch up with what was predicted. */
    private static void awaitAccuracyReports(Progress progress) throws InterruptedException {
        long accuracyDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (progress.board.totalSeen() < progress.predicted.size() && System.nanoTime() < accuracyDeadline) {
            Thread.sleep(100);
        }
    }

    private static DemoSummary summary(Parts parts, Progress progress) {
        return new DemoSummary(
                progress.sent.get(),
                progress.predicted.size(),
                new LinkedHashSet<>(progress.versionsServing),
                progress.snapshots.get(),
                progress.board.reports(),
                progress.meters.find("digitstream.dead.letters").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum(),
                Duration.ofNanos(System.nanoTime() - parts.started()));
    }

    private void serveUntilStopped(Parts parts, StopSignal stopSignal) throws InterruptedException {
        view.line("Still serving, until Ctrl-C: draw digits on "
                + (parts.console() == null
                        ? "the console ('digitstream console')"
                        : parts.console().url())
                + ", or send images with 'digitstream producer send FILE... --bootstrap-servers " + parts.bootstrap()
                + "'.");
        stopSignal.await();
    }

    /** The follower's thread: this run's predictions and every accuracy report, until the demo stops. */
    private static void follow(String bootstrap, TopicNames topics, String runId, Progress progress) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var predictions = new KafkaConsumer<>(
                        props,
                        new StringDeserializer(),
                        MessageSerdes.prediction().deserializer());
                var reports = new KafkaConsumer<>(
                        props,
                        new StringDeserializer(),
                        MessageSerdes.accuracyReport().deserializer())) {
            assignAll(predictions, topics.predictionsOut());
            assignAll(reports, topics.accuracyOut());
            while (!progress.stop.get()) {
                for (var record : predictions.poll(Duration.ofMillis(100))) {
                    Prediction p = record.value();
                    if (p != null && p.id().startsWith(runId)) {
                        progress.predicted.add(p.id());
                        progress.versionsServing.add(p.modelVersion());
                    }
                }
                for (var record : reports.poll(Duration.ofMillis(10))) {
                    if (record.value() != null) {
                        progress.board.update(record.value());
                    }
                }
            }
        }
    }

    /** Reads a topic from its start: the demo's run id keeps earlier runs' records out of the counts. */
    private static void assignAll(KafkaConsumer<String, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private static Thread thread(String name, Runnable body, AtomicReference<Throwable> failure) {
        var thread = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (Throwable e) {
                        if (!(e instanceof org.apache.kafka.common.errors.InterruptException)) {
                            log.error("{} failed", name, e);
                            failure.compareAndSet(null, e);
                        }
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static boolean portIsFree(int port) {
        try (var socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
