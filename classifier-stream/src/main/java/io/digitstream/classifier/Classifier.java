package io.digitstream.classifier;

import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.metrics.Readiness;
import io.digitstream.classifier.model.DecisionLog;
import io.digitstream.classifier.model.Decisions;
import io.digitstream.classifier.model.KafkaHighWaterMark;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.classifier.stream.ClassifierTopology;
import io.digitstream.classifier.stream.TrafficWarmUp;
import io.digitstream.classifier.stream.WarmUp;
import io.digitstream.cluster.StreamsDefaults;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.model.admission.Admission;
import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicSpecs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running classifier instance: the topology in a {@link KafkaStreams}, its model registry and metrics. */
public final class Classifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Classifier.class);

    private final KafkaStreams streams;
    private final ModelRegistry models;
    private final KafkaStreamsMetrics streamsMetrics;
    private final ClassifierMetrics metrics;
    private final DecisionLog decisions;
    private final KafkaHighWaterMark highWaterMark;
    private final Optional<TrafficWarmUp.Outcome> trafficWarmUp;
    private boolean closed;

    private Classifier(
            KafkaStreams streams,
            ModelRegistry models,
            KafkaStreamsMetrics streamsMetrics,
            ClassifierMetrics metrics,
            DecisionLog decisions,
            KafkaHighWaterMark highWaterMark,
            Optional<TrafficWarmUp.Outcome> trafficWarmUp) {
        this.trafficWarmUp = trafficWarmUp;
        this.decisions = decisions;
        this.highWaterMark = highWaterMark;
        this.streams = streams;
        this.models = models;
        this.streamsMetrics = streamsMetrics;
        this.metrics = metrics;
    }

    /** The Kafka Streams configuration: documented defaults, then the cluster's client settings (the user's, last). */
    public static Properties streamsProperties(ClassifierSettings settings) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.cluster().bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, settings.processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        // Input is read as bytes and judged by the topology; this handler is a second line of defence.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // A record that cannot be written is not skipped: the task fails and retries from its last commit.
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DefaultProductionExceptionHandler.class);
        // the snapshot loader catches its own failures
        StreamsDefaults.handleGlobalProcessingExceptions(props);
        // Wall-clock punctuation runs between polls; an idle poll must not outlast max-delay.
        props.put(
                StreamsConfig.POLL_MS_CONFIG,
                Math.max(1, Math.min(100, settings.batch().maxDelay().toMillis())));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // a dead letter carries the original record, cut to DeadLetter.MAX_CONTENT_BYTES: with its
        // framing it stays within the dead-letter topic's own limit, which is this
        props.put(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                TopicSpecs.MAX_IMAGE_RECORD_BYTES);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        props.put(
                StreamsConfig.globalConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                TopicSpecs.MAX_SNAPSHOT_BYTES + 64 * 1024);
        props.putAll(settings.cluster().clientSettings());
        return props;
    }

    /**
     * Creates missing topics (if asked), starts the topology and waits until it runs.
     *
     * @throws IllegalStateException when the cluster does not answer within the start-up timeout
     */
    public static Classifier start(ClassifierSettings settings, MeterRegistry meterRegistry) {
        createTopics(settings);
        if (settings.trust().unsignedAllowed()) {
            log.warn(
                    "Unsigned model snapshots may serve (--allow-unsigned): anyone who can write to {} decides what"
                            + " this instance predicts",
                    settings.topics().modelSnapshots());
        }
        var models = new ModelRegistry();
        var metrics = new ClassifierMetrics(meterRegistry, settings.engine().name());
        var verifier = new ModelVerifier(settings.engine().loader(), settings.holdout());
        var streamsConfig = new StreamsConfig(streamsProperties(settings));
        var decisions = new DecisionLog(
                settings.topics().modelDecisions(),
                streamsConfig.getProducerConfigs(settings.applicationId() + "-decisions"));
        var highWaterMark = KafkaHighWaterMark.open(
                KafkaHighWaterMark.topicOf(settings.applicationId()),
                streamsConfig.getGlobalConsumerConfigs(settings.applicationId() + "-high-water-mark-reader"),
                streamsConfig.getProducerConfigs(settings.applicationId() + "-high-water-mark-writer"),
                settings.startupTimeout());
        var warmUp = settings.warmUp() ? WarmUp.upTo(settings.batch().maxBatch()) : WarmUp.NONE;
        if (warmUp.enabled()) {
            // before the stream threads exist: no partition is taken by an instance that has not warmed up
            log.info("Warmed up the decode/encode path in {} ms", warmUp.path().toMillis());
        }
        var admission = new Admission(settings.modelName(), settings.trust(), verifier, settings.gate(), highWaterMark);
        var decisionsOfThisInstance = new Decisions(settings.instanceId(), decisions);
        Topology topology = ClassifierTopology.build(
                settings.topics(),
                settings.batch(),
                settings.uncertainBelow(),
                models,
                admission,
                decisionsOfThisInstance,
                metrics,
                warmUp);
        Optional<TrafficWarmUp.Outcome> trafficWarmUp = Optional.empty();
        if (warmUp.enabled() && settings.warmUpImages() > 0) {
            // still before the stream threads exist, and after the path's warm-up, which it builds on
            trafficWarmUp = Optional.of(TrafficWarmUp.run(
                    streamsProperties(settings),
                    settings.instanceId(),
                    settings.batch(),
                    settings.uncertainBelow(),
                    admission,
                    decisionsOfThisInstance,
                    settings.warmUpImages()));
        }
        log.debug("Topology:\n{}", topology.describe());
        var streams = new KafkaStreams(topology, streamsProperties(settings));
        var running = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) -> {
            log.info("Kafka Streams {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        var replacements = meterRegistry.counter("digitstream.stream.threads.replaced");
        streams.setUncaughtExceptionHandler(e -> {
            replacements.increment();
            log.error("A stream thread failed; replacing it (it resumes from its last commit)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        var streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meterRegistry);
        var classifier =
                new Classifier(streams, models, streamsMetrics, metrics, decisions, highWaterMark, trafficWarmUp);
        if (trafficWarmUp
                .filter(TrafficWarmUp.Outcome.Stopped.class::isInstance)
                .isPresent()) {
            // asked to stop while warming up: an instance that never started closes at once
            return classifier;
        }
        streams.start();
        try {
            if (!running.await(settings.startupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Not RUNNING after {}; still trying (state {})", settings.startupTimeout(), streams.state());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return classifier;
    }

    /**
     * The topics it uses, if asked to create them (accuracy-out is the accuracy application's), and
     * always its own high-water-mark topic, which belongs to the application as its internal topics do.
     */
    private static void createTopics(ClassifierSettings settings) {
        // the admin client Kafka Streams itself would use: the same bootstrap, security and admin.* settings
        Map<String, Object> props =
                new StreamsConfig(streamsProperties(settings)).getAdminConfigs(settings.applicationId() + "-topics");
        long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    TopicAdmin.ensureTopics(admin, topicsToCreate(settings), Duration.ofSeconds(10));
                    return;
                } catch (IllegalStateException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "The Kafka cluster at " + settings.cluster().bootstrapServers()
                                        + " did not answer within " + settings.startupTimeout() + ": " + e.getMessage(),
                                e);
                    }
                    log.warn(
                            "Waiting for the Kafka cluster at {}: {}",
                            settings.cluster().bootstrapServers(),
                            e.getMessage());
                }
            }
        }
    }

    private static List<NewTopic> topicsToCreate(ClassifierSettings settings) {
        var layout = TopicLayout.DEFAULT.withPartitions(settings.partitions());
        var topics = new ArrayList<NewTopic>();
        if (settings.createTopics()) {
            TopicSpecs.all(settings.topics(), layout).stream()
                    .filter(topic -> !topic.name().equals(settings.topics().accuracyOut()))
                    .forEach(topics::add);
        }
        topics.add(TopicSpecs.highWaterMark(KafkaHighWaterMark.topicOf(settings.applicationId()), layout));
        return topics;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Whether this instance is ready for traffic, and if not why: its stream threads run and a
     * model serves (which, with warm-up on, has run at every batch size, after the decode/encode
     * path warmed up before the stream threads started). Before its first model an instance holds
     * the images it reads, so it is alive but not ready.
     */
    public Readiness readiness() {
        KafkaStreams.State state = streams.state();
        if (!state.isRunningOrRebalancing()) {
            return Readiness.notReady("Kafka Streams is " + state);
        }
        return models.servingVersion()
                .map(version -> Readiness.ready("serving v" + version))
                .orElseGet(() -> Readiness.notReady("no model serves yet"));
    }

    /** What the warm-up through the cluster did at start-up; empty when it was off. */
    public Optional<TrafficWarmUp.Outcome> trafficWarmUp() {
        return trafficWarmUp;
    }

    public ModelRegistry models() {
        return models;
    }

    public ClassifierMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Stops the stream threads (each commits what it can: the buffer's changelog, then the input
     * offsets), at most {@code timeout}, so a cluster that is already gone cannot hold the process;
     * then frees the models. Idempotent.
     */
    public synchronized void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        boolean clean = StreamsDefaults.closeLeavingGroup(streams, timeout);
        streamsMetrics.close();
        decisions.close(Duration.ofSeconds(1));
        highWaterMark.close();
        models.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (clean) {
            log.info("Classifier closed in {} ms: every task committed its buffer and offsets", millis);
        } else {
            log.warn(
                    "Classifier closed after {} ms without a final commit (is the cluster reachable?);"
                            + " uncommitted images are read again by whoever takes over their partitions",
                    millis);
        }
    }
}
