package io.digitstream.classifier.stream;

import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.Decisions;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.cluster.StreamsDefaults;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.model.admission.Admission;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.topic.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends synthetic images through the classifier's own topology, run as a Kafka Streams application
 * of its own on topics of its own, before the real application takes any partition.
 *
 * <p>{@link WarmUp} runs the engine and the decode/encode path without a broker, yet a new instance
 * still answered its first 10 s of traffic at 1,000 images/s with a p99 of 328-868 ms: the rest of
 * its code, Kafka's clients and Streams' per-record work, was still being compiled (the optimising
 * compiler took over a thousand of their methods after {@code RUNNING}). After this round trip,
 * p99 over the same window was 40-229 ms (docs/BENCHMARKS.md, W1).
 *
 * <p>The topics, the warm-up application's group and its changelog are named after the application
 * and the instance, so instances starting together do not share them, and are deleted afterwards;
 * under ACLs they fall under the application's prefix. Best effort: a warm-up that cannot run is
 * logged, and the classifier starts without it.
 */
public final class TrafficWarmUp {
    private static final Logger log = LoggerFactory.getLogger(TrafficWarmUp.class);

    /** Images sent before each flush: a few at a time, as users' traffic comes, in many small requests. */
    static final int SENT_TOGETHER = 20;

    /** How long a warm-up may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Each of the cleanup's three steps: a stop during the warm-up still ends within Docker's 10 s. */
    private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(2);

    /** How long a stop waits for the warm-up to end and clean up before it cleans up itself. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);

    /** What a warm-up did; it never fails the start. */
    public sealed interface Outcome {
        Duration took();

        /** {@code images} sent, and their predictions read back. */
        record Warmed(int images, Duration took) implements Outcome {}

        record Skipped(String reason, Duration took) implements Outcome {}

        /** The process was asked to stop meanwhile: the classifier should not start either. */
        record Stopped(Duration took) implements Outcome {}
    }

    private final TopicNames topics;
    private final String applicationId;
    private final Properties props;
    private final StreamsConfig config;
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile KafkaStreams streams;
    private volatile KafkaConsumer<byte[], byte[]> reader;

    private TrafficWarmUp(Properties streamsProperties, String instanceId) {
        this.applicationId = prefix(streamsProperties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), instanceId);
        this.topics = new TopicNames(
                applicationId + "-in",
                applicationId + "-out",
                applicationId + "-models",
                applicationId + "-out", // every synthetic image is valid: nothing is a dead letter
                applicationId + "-accuracy",
                applicationId + "-decisions");
        this.props = new Properties();
        props.putAll(streamsProperties);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        try {
            props.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("digitstream-warm-up-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.config = new StreamsConfig(props);
    }

    /** The name the warm-up's application, group and topics start with. */
    static String prefix(String applicationId, String instanceId) {
        String name = applicationId + "-warm-up-" + instanceId.replaceAll("[^a-zA-Z0-9._-]", "-");
        // a topic name has at most 249 characters; the changelog's suffix is the longest added
        int room = 249 - ("-" + ClassifierTopology.BUFFER_STORE + "-changelog").length();
        return name.length() <= room ? name : name.substring(0, room);
    }

    /**
     * Runs {@code images} synthetic images through a copy of the classifier's topology (a model
     * that answers without computing: the engine warms up on its own, per model).
     *
     * @param streamsProperties the classifier's Kafka Streams configuration
     * @param admission         and {@code decisions}: the topology's, unused (no snapshot comes)
     */
    public static Outcome run(
            Properties streamsProperties,
            String instanceId,
            BatchSettings batch,
            double uncertainBelow,
            Admission admission,
            Decisions decisions,
            int images) {
        long started = System.nanoTime();
        var warmUp = new TrafficWarmUp(streamsProperties, instanceId);
        log.info(
                "Warming up Kafka's path: {} synthetic images through a copy of the topology ({}), served by a"
                        + " stand-in model named 'synthetic'",
                images,
                warmUp.applicationId);
        var onStop = new Thread(warmUp::stop, "warm-up-stop");
        Runtime.getRuntime().addShutdownHook(onStop);
        try (Admin admin = Admin.create(warmUp.config.getAdminConfigs(warmUp.applicationId + "-admin"))) {
            TopicAdmin.ensureTopics(admin, warmUp.topicsToCreate(), TIMEOUT);
            int read = warmUp.roundTrip(batch, uncertainBelow, admission, decisions, images, started);
            var took = Duration.ofNanos(System.nanoTime() - started);
            log.info(
                    "Warmed up Kafka's path: {} of {} synthetic images through the topology in {} ms",
                    read,
                    images,
                    took.toMillis());
            return new Outcome.Warmed(read, took);
        } catch (RuntimeException e) {
            if (warmUp.stopping.get()) {
                log.info("Asked to stop during the warm-up through the cluster");
                return new Outcome.Stopped(Duration.ofNanos(System.nanoTime() - started));
            }
            log.warn("Starting without the warm-up through the cluster ({}): {}", warmUp.applicationId, e.toString());
            return new Outcome.Skipped(e.toString(), Duration.ofNanos(System.nanoTime() - started));
        } finally {
            warmUp.cleanUp();
            warmUp.finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onStop);
            } catch (IllegalStateException stopping) {
                // the hook runs, or has run, the same cleanup
            }
        }
    }

    /**
     * On a stop signal: the warm-up ends at its next request and cleans up after itself. Deleting
     * its topics from here instead left it waiting a minute for a deleted topic's metadata.
     */
    private void stop() {
        stopping.set(true);
        var waiting = reader;
        if (waiting != null) {
            waiting.wakeup();
        }
        try {
            if (!finished.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                cleanUp();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The topics the warm-up itself makes (dead letters share the output topic). */
    private List<String> madeTopics() {
        return List.of(topics.digitsIn(), topics.predictionsOut(), topics.modelSnapshots());
    }

    private List<NewTopic> topicsToCreate() {
        // deleted after the warm-up; kept short in case a crash leaves them
        Map<String, String> shortLived = Map.of(TopicConfig.RETENTION_MS_CONFIG, "60000");
        return madeTopics().stream()
                .map(name -> new NewTopic(name, Optional.of(1), Optional.empty()).configs(shortLived))
                .toList();
    }

    private int roundTrip(
            BatchSettings batch,
            double uncertainBelow,
            Admission admission,
            Decisions decisions,
            int images,
            long started) {
        var registry = new ModelRegistry();
        registry.offer(syntheticModel());
        var topology = ClassifierTopology.build(
                topics,
                batch,
                uncertainBelow,
                registry,
                admission,
                decisions,
                new ClassifierMetrics(new SimpleMeterRegistry(), "synthetic"), // not the instance's own metrics
                WarmUp.NONE);
        var traffic = WarmUp.SyntheticTraffic.generate(new Random(3));
        try (registry;
                var producer = new KafkaProducer<>(
                        config.getProducerConfigs(applicationId + "-writer"),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
                var reader = new KafkaConsumer<>(
                        config.getGlobalConsumerConfigs(applicationId + "-reader"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            this.reader = reader;
            var output = new TopicPartition(topics.predictionsOut(), 0);
            reader.assign(List.of(output));
            reader.seekToEnd(List.of(output));
            reader.position(output); // from here: not what an earlier, interrupted warm-up left
            if (stopping.get()) {
                throw new IllegalStateException("asked to stop");
            }
            streams = new KafkaStreams(topology, props);
            streams.start();
            long deadline = started + TIMEOUT.toNanos();
            int sent = 0;
            int read = 0;
            while (read < images) {
                if (stopping.get()) {
                    throw new IllegalStateException("asked to stop");
                }
                if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException(read + " of " + images + " predictions within " + TIMEOUT);
                }
                if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                    throw new IllegalStateException("its Kafka Streams stopped: " + streams.state());
                }
                for (int i = 0; i < SENT_TOGETHER && sent < images; i++, sent++) {
                    int variant = sent % WarmUp.VARIANTS;
                    boolean asJson = (sent / WarmUp.VARIANTS) % 2 == 0;
                    producer.send(new ProducerRecord<>(
                            topics.digitsIn(),
                            null,
                            ("warm-up-" + sent).getBytes(StandardCharsets.UTF_8),
                            asJson ? traffic.json()[variant] : traffic.binary()[variant],
                            asJson ? new RecordHeaders() : traffic.binaryHeaders()[variant]));
                }
                producer.flush();
                read += reader.poll(Duration.ofMillis(5)).count();
            }
            return read;
        }
    }

    /** Stops the warm-up application and deletes its topics, group and state; once. */
    private void cleanUp() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        var running = streams;
        if (running != null) {
            StreamsDefaults.closeLeavingGroup(running, CLEANUP_TIMEOUT);
            running.cleanUp();
        }
        var created = new ArrayList<>(madeTopics());
        created.add(applicationId + "-" + ClassifierTopology.BUFFER_STORE + "-changelog"); // Kafka Streams made it
        try (Admin admin = Admin.create(config.getAdminConfigs(applicationId + "-cleanup"))) {
            // what a warm-up stopped early never made (its changelog, its group) is not there to delete
            for (var deleted : admin.deleteTopics(created).topicNameValues().entrySet()) {
                await(deleted.getValue(), UnknownTopicOrPartitionException.class, "topic " + deleted.getKey());
            }
            await(
                    admin.deleteConsumerGroups(List.of(applicationId)).all(),
                    GroupIdNotFoundException.class,
                    "group " + applicationId);
        }
        try {
            Utils.delete(
                    Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG)).toFile());
        } catch (IOException e) {
            log.debug("Could not delete the warm-up's state directory", e);
        }
    }

    private static void await(KafkaFuture<Void> deletion, Class<? extends Exception> absent, String what) {
        try {
            deletion.get(CLEANUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!absent.isInstance(e.getCause())) {
                log.warn(
                        "Could not delete the warm-up's {}: {}",
                        what,
                        e.getCause().toString());
            }
        } catch (TimeoutException e) {
            log.warn("Could not delete the warm-up's {} within {}", what, CLEANUP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Interrupted while deleting the warm-up's {}", what);
        }
    }

    /** A model whose engine answers at once with probabilities shaped as a trained network's. */
    private static LoadedModel syntheticModel() {
        var header = new SnapshotHeader(
                "synthetic",
                1L,
                0L,
                SnapshotHeader.ONNX_GRAPH,
                "-",
                List.of(1, Mnist.SIDE, Mnist.SIDE),
                Mnist.CLASSES,
                null);
        var random = new Random(4);
        float[][] answers = new float[WarmUp.VARIANTS][];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = WarmUp.syntheticProbabilities(random);
        }
        InferenceEngine engine = new InferenceEngine() {
            private int next;

            @Override
            public String name() {
                return "synthetic";
            }

            @Override
            public synchronized float[] predict(byte[] pixels, int count) {
                float[] probabilities = new float[count * Mnist.CLASSES];
                for (int i = 0; i < count; i++) {
                    System.arraycopy(
                            answers[next++ % answers.length], 0, probabilities, i * Mnist.CLASSES, Mnist.CLASSES);
                }
                return probabilities;
            }

            @Override
            public void close() {}
        };
        return new LoadedModel(header, engine, null, null);
    }
}
