package io.digitstream.classifier;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.model.admission.PromotionGate;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything one classifier instance needs to know. Build it with {@link #builder}: the cluster is
 * required, everything else has the default defined here (the command line documents the same
 * constants), and a caller names only what it changes.
 *
 * @param cluster             where the cluster is; its client settings go to Kafka Streams last
 * @param processingGuarantee {@code at_least_once} or {@code exactly_once_v2}
 * @param partitions          partitions of digits-in, predictions-out and digits-dlq if this instance creates them
 * @param createTopics        create missing topics at start-up
 * @param startupTimeout      how long to wait for the cluster at start-up before giving up
 * @param trust               whose signed snapshots may serve (required: there is no safe default)
 * @param holdout             the labelled images every snapshot is scored on before it may serve
 * @param gate                how a candidate's holdout score must compare with the served model's
 * @param instanceId          names this instance in its model decisions
 * @param warmUp              run the decode/encode path before taking partitions, and each model at every
 *                            batch size before it serves ({@link io.digitstream.classifier.stream.WarmUp})
 * @param warmUpImages        with warm-up on, synthetic images sent through the topology on the cluster
 *                            before taking partitions ({@link io.digitstream.classifier.stream.TrafficWarmUp}); 0 for none
 * @param uncertainBelow      a prediction whose confidence is below this is flagged {@code uncertain}
 */
public record ClassifierSettings(
        KafkaConnection cluster,
        String applicationId,
        TopicNames topics,
        String modelName,
        BatchSettings batch,
        String processingGuarantee,
        int streamThreads,
        Path stateDir,
        EngineChoice engine,
        int partitions,
        boolean createTopics,
        Duration startupTimeout,
        SnapshotTrust trust,
        Holdout holdout,
        PromotionGate gate,
        String instanceId,
        boolean warmUp,
        int warmUpImages,
        double uncertainBelow) {
    public static final String DEFAULT_APPLICATION_ID = "digitstream-classifier";
    public static final String DEFAULT_PROCESSING_GUARANTEE = StreamsConfig.AT_LEAST_ONCE;
    public static final int DEFAULT_STREAM_THREADS = 1;
    public static final long DEFAULT_STARTUP_TIMEOUT_SECONDS = 300;
    public static final boolean DEFAULT_WARM_UP = true;
    /**
     * Enough for the optimising compiler to take Kafka's per-record code (it compiles a method after
     * 5,000-15,000 calls); about 9 s at start-up on 2 cores (docs/BENCHMARKS.md, W1).
     */
    public static final int DEFAULT_WARM_UP_IMAGES = 20_000;
    /**
     * On MNIST's test set the default recipe's model flags 3 % of the images at this threshold and
     * is wrong on 21 % of those, against 0.21 % of the rest (docs/BENCHMARKS.md, C2).
     */
    public static final double DEFAULT_UNCERTAIN_BELOW = 0.9;

    public ClassifierSettings {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(holdout, "holdout");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(instanceId, "instanceId");
        if (!processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)
                && !processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            throw new IllegalArgumentException("the processing guarantee must be " + StreamsConfig.AT_LEAST_ONCE
                    + " or " + StreamsConfig.EXACTLY_ONCE_V2 + ", not " + processingGuarantee);
        }
        if (streamThreads < 1 || partitions < 1) {
            throw new IllegalArgumentException("stream threads and partitions must be at least 1");
        }
        checkUncertainBelow(uncertainBelow);
        if (warmUpImages < 0) {
            throw new IllegalArgumentException("--warm-up-images must be 0 or more, not " + warmUpImages);
        }
    }

    /** The one check of an uncertainty threshold, for every command that takes one. */
    public static double checkUncertainBelow(double uncertainBelow) {
        if (!(uncertainBelow >= 0 && uncertainBelow <= 1)) {
            throw new IllegalArgumentException(
                    "--uncertain-below must be a confidence from 0 to 1, not " + uncertainBelow);
        }
        return uncertainBelow;
    }

    /** Where the stream state lives unless told otherwise. */
    public static Path defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "digitstream-streams");
    }

    /** This host's name and this process's id: unique among the instances a cluster sees at once. */
    public static String defaultInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /**
     * Settings for a classifier of the given cluster that serves snapshots {@code trust} accepts,
     * every other setting at its default.
     */
    public static Builder builder(KafkaConnection cluster, SnapshotTrust trust) {
        return new Builder(cluster, trust);
    }

    /** A builder with these settings, to change some of them. */
    public Builder toBuilder() {
        var builder = new Builder(cluster, trust);
        builder.applicationId = applicationId;
        builder.topics = topics;
        builder.modelName = modelName;
        builder.batch = batch;
        builder.processingGuarantee = processingGuarantee;
        builder.streamThreads = streamThreads;
        builder.stateDir = stateDir;
        builder.engine = engine;
        builder.partitions = partitions;
        builder.createTopics = createTopics;
        builder.startupTimeout = startupTimeout;
        builder.holdout = holdout;
        builder.gate = gate;
        builder.instanceId = instanceId;
        builder.warmUp = warmUp;
        builder.warmUpImages = warmUpImages;
        builder.uncertainBelow = uncertainBelow;
        return builder;
    }

    /** Optional settings are {@code opt*}; each starts at the default. */
    public static final class Builder {
        private final KafkaConnection cluster;
        private final SnapshotTrust trust;
        private String applicationId = DEFAULT_APPLICATION_ID;
        private TopicNames topics = TopicNames.DEFAULTS;
        private String modelName = SnapshotHeader.DEFAULT_MODEL_NAME;
        private BatchSettings batch = BatchSettings.DEFAULTS;
        private String processingGuarantee = DEFAULT_PROCESSING_GUARANTEE;
        private int streamThreads = DEFAULT_STREAM_THREADS;
        private Path stateDir = defaultStateDir();
        private EngineChoice engine = EngineChoice.fastestHere();
        private int partitions = TopicSpecs.DEFAULT_PARTITIONS;
        private boolean createTopics = true;
        private Duration startupTimeout = Duration.ofSeconds(DEFAULT_STARTUP_TIMEOUT_SECONDS);
        private Holdout holdout;
        private PromotionGate gate = PromotionGate.DEFAULT;
        private String instanceId;
        private boolean warmUp = DEFAULT_WARM_UP;
        private int warmUpImages = DEFAULT_WARM_UP_IMAGES;
        private double uncertainBelow = DEFAULT_UNCERTAIN_BELOW;

        private Builder(KafkaConnection cluster, SnapshotTrust trust) {
            this.cluster = cluster;
            this.trust = trust;
        }

        public Builder optHoldout(Holdout holdout) {
            this.holdout = holdout;
            return this;
        }

        public Builder optGate(PromotionGate gate) {
            this.gate = gate;
            return this;
        }

        public Builder optInstanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        public Builder optApplicationId(String applicationId) {
            this.applicationId = applicationId;
            return this;
        }

        public Builder optTopics(TopicNames topics) {
            this.topics = topics;
            return this;
        }

        public Builder optModelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        public Builder optBatch(BatchSettings batch) {
            this.batch = batch;
            return this;
        }

        public Builder optProcessingGuarantee(String processingGuarantee) {
            this.processingGuarantee = processingGuarantee;
            return this;
        }

        public Builder optStreamThreads(int streamThreads) {
            this.streamThreads = streamThreads;
            return this;
        }

        public Builder optStateDir(Path stateDir) {
            this.stateDir = stateDir;
            return this;
        }

        public Builder optEngine(EngineChoice engine) {
            this.engine = engine;
            return this;
        }

        public Builder optPartitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        public Builder optCreateTopics(boolean createTopics) {
            this.createTopics = createTopics;
            return this;
        }

        public Builder optWarmUp(boolean warmUp) {
            this.warmUp = warmUp;
            return this;
        }

        public Builder optWarmUpImages(int warmUpImages) {
            this.warmUpImages = warmUpImages;
            return this;
        }

        public Builder optUncertainBelow(double uncertainBelow) {
            this.uncertainBelow = uncertainBelow;
            return this;
        }

        public Builder optStartupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        public ClassifierSettings build() {
            return new ClassifierSettings(
                    cluster,
                    applicationId,
                    topics,
                    modelName,
                    batch,
                    processingGuarantee,
                    streamThreads,
                    stateDir,
                    engine,
                    partitions,
                    createTopics,
                    startupTimeout,
                    trust,
                    holdout != null ? holdout : Holdout.fixture(Holdout.DEFAULT_SIZE),
                    gate,
                    instanceId != null ? instanceId : defaultInstanceId(),
                    warmUp,
                    warmUpImages,
                    uncertainBelow);
        }
    }
}
