package io.digitstream.benchmarks.pipeline;

import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.classifier.stream.ClassifierTopology;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.schemas.message.ImageEventEncoding;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One subject (the classifier at one setting, or the pass-through) on topics of its own, with the
 * benchmark's producer and reader attached, measured round after round. A deployed classifier
 * runs for hours: its warm-up rounds and its timed round meet the same instance, topics and
 * clients, so what differs between them is only whether the JIT has settled, not the start-up
 * of new clients, topics and consumer groups that a fresh instance per run would compile anew.
 */
final class Session implements AutoCloseable {
    /** A process's stop-the-world pauses that ended between two epoch milliseconds. */
    @FunctionalInterface
    interface PauseLog {
        List<GcPauses.Pause> between(long fromMs, long toMs) throws IOException;
    }

    /** What every session of one benchmark shares. */
    record Setup(
            KafkaConnection cluster,
            MnistDataset images,
            byte[][] snapshots,
            SigningKey key,
            ImageEventEncoding encoding,
            EngineChoice engine,
            int streamThreads,
            boolean adaptive,
            LongSupplier brokerCpu,
            LongSupplier brokerCompiling,
            PauseLog brokerPauses,
            Duration swapInterval,
            Path deployed) {
        /** With {@code engine} instead. */
        Setup withEngine(EngineChoice other) {
            return new Setup(
                    cluster,
                    images,
                    snapshots,
                    key,
                    encoding,
                    other,
                    streamThreads,
                    adaptive,
                    brokerCpu,
                    brokerCompiling,
                    brokerPauses,
                    swapInterval,
                    deployed);
        }

        /** Whether each classifier runs as a container does, in a JVM of its own (its key and logs in {@code deployed}). */
        boolean asDeployed() {
            return deployed != null;
        }

        /** The public key a classifier in its own JVM trusts, written in {@code deployed} before the first session. */
        Path trustedKeyFile() {
            return deployed.resolve("bench.pub");
        }
    }

    private final Setup setup;
    private final Plan plan;
    private final TopicNames topics;
    private final ClassifierSettings settings;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final KafkaProducer<String, byte[]> snapshotProducer;
    private final AutoCloseable subject;
    /** The classifier in a JVM of its own (with --as-deployed), else null. */
    private final ClassifierProcess process;
    /** The benchmark's producers by linger: one that floods, one per paced linger asked for. */
    private final Map<Duration, Replayer> replayers = new java.util.HashMap<>();

    private final Drain drain;
    /** The subject's Kafka Streams state, deleted at close (a benchmark's sessions would fill /tmp). */
    private final Path stateDir;

    private long nextVersion = 2;
    private int rounds;

    private Session(Setup setup, Plan plan) throws Exception {
        this.setup = setup;
        this.plan = plan;
        this.topics = TopicNames.DEFAULTS.withPrefix("bench-" + plan.tag() + "-");
        this.stateDir = Files.createTempDirectory("bench-state");
        try (Admin admin = Admin.create(setup.cluster().clientConfig(Map.of()))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, TopicLayout.DEFAULT), Duration.ofSeconds(30));
        }
        this.settings = ClassifierSettings.builder(
                        setup.cluster(),
                        SnapshotTrust.requireSigned(TrustedKeys.of(setup.key().publicKey())))
                .optApplicationId("bench-" + plan.tag())
                .optTopics(topics)
                .optBatch(BatchSettings.DEFAULTS
                        .withMaxBatch(plan.maxBatch())
                        .withMaxDelay(Duration.ofMillis(plan.maxDelayMs()))
                        .withAdaptive(setup.adaptive()))
                .optStateDir(stateDir)
                .optEngine(setup.engine())
                .optStreamThreads(setup.streamThreads())
                .optCreateTopics(false)
                .optStartupTimeout(Duration.ofSeconds(60))
                .build();
        this.snapshotProducer = new KafkaProducer<>(
                setup.cluster()
                        .clientConfig(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSpecs.MAX_SNAPSHOT_BYTES)),
                new StringSerializer(),
                new ByteArraySerializer());
        this.process = isClassifier() && setup.asDeployed()
                ? ClassifierProcess.start(
                        setup.cluster().bootstrapServers(),
                        topics,
                        setup.trustedKeyFile(),
                        settings.applicationId(),
                        stateDir,
                        processFlags(setup, plan),
                        setup.deployed().resolve("classifier-" + plan.tag() + ".log"))
                : null;
        this.subject = process != null
                ? process
                : isClassifier() ? Classifier.start(settings, meters) : PassThrough.start(settings);
        this.drain = Drain.open(setup.cluster(), topics.predictionsOut());
        if (process != null) {
            publish(1);
            process.awaitReady(Duration.ofMinutes(1)); // /health answers 200 once a model serves
        } else if (isClassifier()) {
            publish(1);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (((Classifier) subject).models().servingVersion().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the classifier did not serve version 1 within a minute");
                }
                Thread.sleep(20);
            }
        }
    }

    /** The serving command's flags for what {@code setup} and {@code plan} set; the rest stay its defaults. */
    private static List<String> processFlags(Setup setup, Plan plan) {
        List<String> flags = new java.util.ArrayList<>(List.of(
                "--max-batch",
                Integer.toString(plan.maxBatch()),
                "--max-delay-ms",
                Long.toString(plan.maxDelayMs()),
                setup.adaptive() ? "--adaptive-batching" : "--no-adaptive-batching",
                "--engine",
                setup.engine().kind().flag(),
                "--inference-threads",
                Integer.toString(setup.engine().onnx().threads()),
                "--inference-parallelism",
                setup.engine().onnx().parallelism().toString(),
                "--stream-threads",
                Integer.toString(setup.streamThreads())));
        if (setup.engine().onnx().spinning()) {
            flags.add("--inference-spinning");
        }
        setup.cluster()
                .clientSettings()
                .forEach((key, value) -> flags.addAll(List.of("--kafka-property", key + "=" + value)));
        return flags;
    }

    /** The subject of {@code plan} started on its own topics; the classifier serving version 1. */
    static Session start(Setup setup, Plan plan) throws Exception {
        return new Session(setup, plan);
    }

    /**
     * How long the JIT compilers of every JVM the images pass through have run so far: this one's
     * by its compilation bean, a classifier and a broker in JVMs of their own by their compiler
     * threads' CPU. A classifier in its own JVM compiles its paced paths there, out of this JVM's
     * sight, and its compiler threads take a core the images need.
     */
    long compilingNanos() {
        long own = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() * 1_000_000;
        long classifier = process != null ? process.compilerNanos() : 0;
        return own + classifier + setup.brokerCompiling().getAsLong();
    }

    boolean isClassifier() {
        return plan.subject() == Plan.Subject.CLASSIFIER;
    }

    /**
     * One round: {@code round.images()} images sent at {@code round.rate()} (0: as fast as the
     * producer can), with {@code round.swaps()} newer versions published meanwhile and the console
     * attached if {@code round.console()}, drained from predictions-out.
     */
    Run round(Plan round) throws Exception {
        String prefix = "s" + (++rounds) + "-";
        boolean classifier = isClassifier();
        AttachedConsole attached = round.console()
                ? AttachedConsole.start(setup.cluster(), topics, setup.key().publicKey())
                : null;
        Replayer replayer = replayers.computeIfAbsent(
                round.producerLinger(),
                linger -> new Replayer(setup.cluster(), topics.digitsIn(), setup.encoding(), linger));
        // a classifier process's engine time is not split out: no second /metrics scrape for it
        double inferenceBefore = process != null ? 0 : inferenceSeconds();
        double[] batchesBefore = batches();
        long firstVersion = nextVersion;
        nextVersion += round.swaps();
        GcPauses pauses = GcPauses.listen();
        SchedulerWatch scheduler = SchedulerWatch.start();
        long deadLettersBefore = drain.endOffsets(topics.deadLetters());
        CpuLedger cpu = CpuLedger.start(setup.brokerCpu(), process == null ? null : process::cpuNanos);
        long startedMs = System.currentTimeMillis();
        long started = System.nanoTime();
        Thread producer = new Thread(
                () -> {
                    long sent = 0;
                    for (int pass = 0; sent < round.images(); pass++) {
                        int n = (int) Math.min(setup.images().size(), round.images() - sent);
                        replayer.replay(
                                setup.images(),
                                new ReplayPlan(0, n, null, round.rate(), false, Drain.passPrefix(prefix, pass)),
                                null);
                        sent += n;
                    }
                    var self = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                    cpu.ended(
                            CpuLedger.Part.BENCH_PRODUCER,
                            self.getCurrentThreadCpuTime(),
                            self.getThreadAllocatedBytes(Thread.currentThread().getId()));
                },
                "bench-producer");
        Map<Long, Long> published = new ConcurrentHashMap<>();
        Thread swapper = new Thread(
                () -> {
                    try {
                        for (long v = firstVersion; v < firstVersion + round.swaps(); v++) {
                            Thread.sleep(setup.swapInterval().toMillis());
                            publish(v);
                            published.put(v, System.currentTimeMillis());
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
        Drain.Drained drained =
                drain.next(prefix, round.images(), setup.images().size(), classifier);
        producer.join();
        swapper.join();
        ConsoleSeen consoleSeen = attached == null ? null : attached.finish(drained.count());
        Map<CpuLedger.Part, Long> cpuSpent = cpu.stop();
        // where the classifier has a JVM of its own, its pauses are the ones in its images' way; the
        // broker's and the load generator's are then apart, as other processes the images pass through
        long endedMs = System.currentTimeMillis();
        List<GcPauses.Pause> ownPauses = pauses.pauses();
        List<GcPauses.Pause> paused = process != null ? process.gcPauses(startedMs, endedMs) : ownPauses;
        Map<String, List<GcPauses.Pause>> othersPaused = new LinkedHashMap<>();
        if (process != null) {
            othersPaused.put("broker", setup.brokerPauses().between(startedMs, endedMs));
            othersPaused.put("load generator", ownPauses);
        }
        SchedulerWatch.Trace scheduling = withoutOwnPauses(scheduler.stop(), ownPauses);
        pauses.close();
        if (attached != null) {
            attached.close();
        }
        long[] toServe = published.entrySet().stream()
                .filter(e -> drained.firstSeenMs().containsKey(e.getKey()))
                .mapToLong(e -> drained.firstSeenMs().get(e.getKey()) - e.getValue())
                .sorted()
                .toArray();
        double[] batchesAfter = batches();
        double batched = batchesAfter[0] - batchesBefore[0];
        return new Run(
                drained.count(),
                drained.count() / ((drained.lastNanos() - started) / 1e9),
                drained.sentAtMs(),
                drained.emittedAtMs(),
                drained.readAtMs(),
                drain.endOffsets(topics.deadLetters()) - deadLettersBefore,
                toServe,
                cpuSpent,
                drained.lastNanos() - started,
                process != null ? Run.INFERENCE_NOT_SPLIT : (long) ((inferenceSeconds() - inferenceBefore) * 1e9),
                batched == 0 ? 0 : (batchesAfter[1] - batchesBefore[1]) / batched,
                0,
                consoleSeen,
                cpu.allocatedBytes(),
                paused,
                othersPaused,
                scheduling);
    }

    /**
     * The watch runs in this JVM, so its thread is late to wake during this JVM's own collections
     * too: those are the load generator's pauses, counted apart, not the machine's stalls.
     */
    private static SchedulerWatch.Trace withoutOwnPauses(SchedulerWatch.Trace trace, List<GcPauses.Pause> own) {
        List<GcPauses.Pause> stalls = trace.machineStalls().stream()
                .filter(stall -> own.stream().noneMatch(p -> p.overlaps(stall.startMs(), stall.endMs())))
                .toList();
        return new SchedulerWatch.Trace(trace.sampledAtMs(), trace.pressureMicros(), stalls);
    }

    /**
     * Records in the classifier's buffer changelog so far, read once a commit has flushed what the
     * store's cache held (the count stopped moving for longer than the classifier's commit
     * interval); 0 for the pass-through.
     */
    long changelogRecords() throws InterruptedException {
        if (!isClassifier()) {
            return 0;
        }
        String changelog = settings.applicationId() + "-" + ClassifierTopology.BUFFER_STORE + "-changelog";
        long commitMs = new StreamsConfig(Classifier.streamsProperties(settings))
                .getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        long deadline = System.nanoTime() + Duration.ofMillis(10 * commitMs).toNanos();
        long seen = drain.endOffsets(changelog);
        while (System.nanoTime() < deadline) {
            Thread.sleep(commitMs + commitMs / 3);
            long now = drain.endOffsets(changelog);
            if (now == seen) {
                return now;
            }
            seen = now;
        }
        return seen;
    }

    private void publish(long version) throws Exception {
        snapshotProducer
                .send(new ProducerRecord<>(
                        topics.modelSnapshots(),
                        SnapshotHeader.DEFAULT_MODEL_NAME,
                        setup.snapshots()[(int) version - 1]))
                .get();
    }

    /** Inference calls so far and the images they took. */
    private double[] batches() throws IOException, InterruptedException {
        if (process != null) {
            Map<String, Double> metrics = process.metrics();
            return new double[] {
                metrics.getOrDefault("digitstream_batch_size_count", 0.0),
                metrics.getOrDefault("digitstream_batch_size_sum", 0.0)
            };
        }
        DistributionSummary summary = meters.find("digitstream.batch.size").summary();
        return summary == null ? new double[2] : new double[] {summary.count(), summary.totalAmount()};
    }

    private double inferenceSeconds() {
        Timer timer = meters.find("digitstream.inference").timer();
        return timer == null ? 0 : timer.totalTime(TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try (drain;
                snapshotProducer;
                subject) {
            // closed in reverse order: the subject first (its last commit), then the benchmark's clients
        } finally {
            replayers.values().forEach(Replayer::close);
            Utils.delete(stateDir.toFile());
        }
    }
}
