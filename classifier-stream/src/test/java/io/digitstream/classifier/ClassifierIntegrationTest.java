package io.digitstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.metrics.Readiness;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.classifier.stream.ClassifierTopology;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.testing.BrokerTest;
import io.digitstream.testing.KafkaTestSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classifier against a real broker: end to end, scaled out, restarted, exactly once. */
@BrokerTest
class ClassifierIntegrationTest {
    private static final AtomicInteger RUN = new AtomicInteger();
    private static EmbeddedKafka kafka;

    @TempDir
    Path stateRoot;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.onFreePort().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private TopicNames freshTopics() {
        TopicNames topics = TopicNames.DEFAULTS.withPrefix("run" + RUN.incrementAndGet() + "-");
        KafkaTestSupport.createTopics(kafka, topics);
        return topics;
    }

    private ClassifierSettings settings(TopicNames topics, String appId, String guarantee, BatchSettings batch)
            throws Exception {
        return settings(topics, appId, guarantee, batch, 200);
    }

    private ClassifierSettings settings(
            TopicNames topics, String appId, String guarantee, BatchSettings batch, int commitIntervalMs)
            throws Exception {
        var cluster = new KafkaConnection(
                kafka.bootstrapServers(),
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.toString(commitIntervalMs)));
        return TestModels.settings(cluster)
                .optApplicationId(appId)
                .optTopics(topics)
                .optBatch(batch)
                .optProcessingGuarantee(guarantee)
                .optStateDir(Files.createTempDirectory(stateRoot, "state"))
                .optCreateTopics(false)
                .optStartupTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** One instance of application {@code appId}, at least once, small quick batches: one of several sharing the partitions. */
    private Classifier instance(TopicNames topics, String appId, SimpleMeterRegistry meters) throws Exception {
        return Classifier.start(
                settings(topics, appId, StreamsConfig.AT_LEAST_ONCE, batches(32, Duration.ofMillis(10))), meters);
    }

    private static BatchSettings batches(int maxBatch, Duration maxDelay) {
        return BatchSettings.DEFAULTS.withMaxBatch(maxBatch).withMaxDelay(maxDelay);
    }

    private static void publishSnapshot(TopicNames topics, long version) throws Exception {
        TestModels.publish(kafka, topics, version);
    }

    private static void sendFixture(TopicNames topics, int from, int to) throws Exception {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new StringSerializer(),
                MessageSerdes.imageEvent().serializer())) {
            for (int i = from; i < to; i++) {
                ImageEvent event = TestModels.event(i);
                producer.send(new ProducerRecord<>(topics.digitsIn(), event.id(), event));
            }
            producer.flush();
        }
    }

    /** Every committed prediction on the topic so far. */
    private static List<Prediction> predictions(KafkaConsumer<String, Prediction> consumer, List<Prediction> seen) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
        return seen;
    }

    private static KafkaConsumer<String, Prediction> predictionReader(TopicNames topics) {
        return KafkaTestSupport.predictionReader(kafka, topics);
    }

    private static Set<String> ids(List<Prediction> predictions) {
        Set<String> ids = new HashSet<>();
        predictions.forEach(p -> ids.add(p.id()));
        return ids;
    }

    @Test
    void theFixtureReplayedEndToEndGetsOnePredictionPerImage() throws Exception {
        TopicNames topics = freshTopics();
        publishSnapshot(topics, 1);
        sendFixture(topics, 0, 1000);

        try (var classifier = Classifier.start(
                        settings(topics, "e2e", StreamsConfig.AT_LEAST_ONCE, batches(64, Duration.ofMillis(10))),
                        new SimpleMeterRegistry());
                var reader = predictionReader(topics)) {
            List<Prediction> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> ids(predictions(reader, seen)).size() == 1000);

            assertThat(seen).hasSize(1000);
            assertThat(seen).allMatch(p -> p.modelVersion() == 1L && p.label() != null && p.batchSize() >= 1);
            var fixture = MnistFixture.test();
            assertThat(seen).allMatch(p -> p.label() == fixture.label(Integer.parseInt(p.id().substring(4))));
            assertThat(classifier.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(classifier.readiness()).isEqualTo(Readiness.ready("serving v1"));
        }
    }

    @Test
    void theBufferChangelogGetsFarFewerRecordsThanImages() throws Exception {
        TopicNames topics = freshTopics();
        publishSnapshot(topics, 1);
        sendFixture(topics, 0, 1000);
        var settings =
                settings(topics, "changelog", StreamsConfig.AT_LEAST_ONCE, batches(32, Duration.ofMillis(10)), 1000);
        try (var classifier = Classifier.start(settings, new SimpleMeterRegistry());
                var reader = predictionReader(topics)) {
            List<Prediction> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> ids(predictions(reader, seen)).size() == 1000);
            // a commit after the last batch flushes the buffer's final state to its changelog
            await().atMost(Duration.ofSeconds(60)).until(() -> committedOffsets("changelog", topics) == 1000);

            long changelogRecords = endOffsets("changelog-" + ClassifierTopology.BUFFER_STORE + "-changelog");
            // a key per image would log every image's tombstone at least: 1,000 records
            assertThat(changelogRecords).isLessThan(500);
        }
    }

    @Test
    void twoInstancesShareThePartitionsAndBothSwapModels() throws Exception {
        TopicNames topics = freshTopics();
        publishSnapshot(topics, 1);
        var metersA = new SimpleMeterRegistry();
        var metersB = new SimpleMeterRegistry();
        try (var a = instance(topics, "pair", metersA);
                var b = instance(topics, "pair", metersB);
                var reader = predictionReader(topics)) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> a.state() == KafkaStreams.State.RUNNING && b.state() == KafkaStreams.State.RUNNING);
            sendFixture(topics, 0, 300);
            List<Prediction> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> ids(predictions(reader, seen)).size() == 300);

            publishSnapshot(topics, 2);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> a.models().servingVersion().equals(Optional.of(2L))
                            && b.models().servingVersion().equals(Optional.of(2L)));
            sendFixture(topics, 300, 600);
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> ids(predictions(reader, seen)).size() == 600);

            assertThat(a.metrics().count("digitstream.predictions")).isPositive();
            assertThat(b.metrics().count("digitstream.predictions")).isPositive();
            assertThat(seen.stream().filter(p -> Integer.parseInt(p.id().substring(4)) >= 300))
                    .allMatch(p -> p.modelVersion() == 2L);
        }
    }

    /**
     * Kafka Streams stays in its group on close by default, so a stopped instance's partitions
     * waited for its session to time out (45 s) before the other instance took them: a scale-down
     * or a rolling restart held a share of the users' images that long.
     */
    @Test
    void aStoppedInstancesPartitionsGoToTheRunningOneAtOnce() throws Exception {
        TopicNames topics = freshTopics();
        publishSnapshot(topics, 1);
        var staying = instance(topics, "handover", new SimpleMeterRegistry());
        try (staying;
                var reader = predictionReader(topics)) {
            try (var leaving = instance(topics, "handover", new SimpleMeterRegistry())) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> staying.state() == KafkaStreams.State.RUNNING
                                && leaving.state() == KafkaStreams.State.RUNNING
                                && leaving.models().servingVersion().isPresent());
            }
            long stopped = System.nanoTime();
            sendFixture(topics, 0, 300);
            List<Prediction> seen = new ArrayList<>();
            // well inside the session timeout the partitions would otherwise wait for
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ids(predictions(reader, seen)).size() == 300);
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void imagesWaitingInTheBufferOfAStoppedInstanceArePredictedByItsSuccessor() throws Exception {
        TopicNames topics = freshTopics();
        publishSnapshot(topics, 1);
        // the first instance accepts images but never runs a batch: they sit in its buffer
        // while their input offsets are committed
        var first = Classifier.start(
                settings(topics, "restart", StreamsConfig.AT_LEAST_ONCE, batches(10_000, Duration.ofHours(1))),
                new SimpleMeterRegistry());
        sendFixture(topics, 0, 500);
        await().atMost(Duration.ofSeconds(60)).until(() -> committedOffsets("restart", topics) == 500);
        first.close();

        // a successor on another machine (a fresh state directory) restores the buffer from its changelog
        var meters = new SimpleMeterRegistry();
        try (var successor = Classifier.start(
                        settings(topics, "restart", StreamsConfig.AT_LEAST_ONCE, batches(64, Duration.ofMillis(10))),
                        meters);
                var reader = predictionReader(topics)) {
            List<Prediction> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> ids(predictions(reader, seen)).size() == 500);
            assertThat(seen).allMatch(p -> p.modelVersion() == 1L);
            assertThat(successor.metrics().count("digitstream.dead.letters", "code", "NO_MODEL"))
                    .isZero();
        }
    }

    @Test
    void underExactlyOnceEveryImageIsPredictedExactlyOnce() throws Exception {
        TopicNames topics = freshTopics();
        publishSnapshot(topics, 1);
        sendFixture(topics, 0, 400);
        try (var classifier = Classifier.start(
                        settings(topics, "eos", StreamsConfig.EXACTLY_ONCE_V2, batches(64, Duration.ofMillis(10))),
                        new SimpleMeterRegistry());
                var reader = predictionReader(topics)) {
            List<Prediction> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> ids(predictions(reader, seen)).size() == 400);
            // nothing more arrives after the last id
            await().pollDelay(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> true);
            assertThat(predictions(reader, seen)).hasSize(400);
        }
    }

    private static long endOffsets(String topic) throws Exception {
        return KafkaTestSupport.recordsIn(kafka.bootstrapServers(), topic);
    }

    private static long committedOffsets(String groupId, TopicNames topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .forEach((tp, om) -> {
                        if (tp.topic().equals(topics.digitsIn()) && om != null) {
                            offsets.put(tp, om.offset());
                        }
                    });
            return offsets.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
