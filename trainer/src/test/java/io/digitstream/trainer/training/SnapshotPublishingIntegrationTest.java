package io.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.publish.SnapshotFiles;
import io.digitstream.publish.SnapshotPublisher;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.testing.BrokerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BrokerTest
class SnapshotPublishingIntegrationTest {
    private static final SigningKey KEY = SigningKey.generate();
    /** How the trainer holding KEY numbers its versions. */
    private static final SnapshotTrust TRUST = SnapshotPublisher.numberingTrust(Optional.of(KEY));

    private static EmbeddedKafka kafka;
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;

    @TempDir
    Path models;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.onFreePort().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void publishedSnapshotsReadBackVerifiedWithTheSameOutputsAndVersionsGrowAcrossRuns() throws Exception {
        MnistDataset train = MnistFixture.train().slice(0, 400);
        MnistDataset test = MnistFixture.test().slice(0, 200);
        List<TrainingRun.Published> published = new ArrayList<>();
        try (var publisher = new SnapshotPublisher(kafka.bootstrapServers(), TOPICS, Duration.ofSeconds(20))) {
            // two trainer runs, one after the other, as two processes would
            new TrainingRun(
                            Recipe.SEED.withEpochs(1),
                            "mnist-cnn",
                            0,
                            100,
                            models,
                            Optional.of(publisher),
                            Optional.of(KEY))
                    .run(train, test, new TrainingListener() {}, published::add);
            new TrainingRun(
                            Recipe.SEED.withEpochs(1),
                            "mnist-cnn",
                            2,
                            100,
                            models,
                            Optional.of(publisher),
                            Optional.of(KEY))
                    .run(train, test, new TrainingListener() {}, published::add);
            assertThat(publisher.latestVersion("mnist-cnn", TRUST)).contains(3L);
            assertThat(publisher.latestVersion("another-model", TRUST)).isEmpty();
        }

        assertThat(published).extracting(p -> p.snapshot().header().version()).containsExactly(1L, 2L, 3L);
        List<ConsumerRecord<String, byte[]>> onTopic = readAll();
        assertThat(onTopic).hasSize(3).allMatch(r -> r.key().equals("mnist-cnn"));

        var verifier = OnnxModels.singleThreadedVerifier(Holdout.fixture(Holdout.DEFAULT_SIZE));
        var trust = SnapshotTrust.requireSigned(TrustedKeys.of(KEY.publicKey()));
        byte[] pixels = Arrays.copyOf(test.rawPixels(), 50 * 784);
        for (int i = 0; i < 3; i++) {
            // what went on the topic is the signed envelope, byte for byte the file
            assertThat(onTopic.get(i).value())
                    .isEqualTo(Files.readAllBytes(published.get(i).file()));
            ModelSnapshot received =
                    SnapshotCodec.decode(onTopic.get(i).value(), trust).orElseThrow();
            assertThat(received.signer()).contains(KEY.keyId());
            try (LoadedModel loaded = verifier.verify(received).orElseThrow();
                    LoadedModel local =
                            verifier.verify(published.get(i).snapshot()).orElseThrow()) {
                SnapshotHeader header = loaded.header();
                assertThat(header.version()).isEqualTo(i + 1L);
                assertThat(header.training().testAccuracy())
                        .isEqualTo(published.get(i).evaluation().accuracy());
                assertThat(loaded.engine().predict(pixels, 50))
                        .containsExactly(local.engine().predict(pixels, 50));
            }
        }

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPICS.modelSnapshots());
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(Long.parseLong(
                            config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()))
                    .isGreaterThan(published.get(0).file().toFile().length());
        }
        assertThat(models.toFile().list())
                .contains(
                        "mnist-cnn-v1.dgsn",
                        "mnist-cnn-v3.dgsn",
                        "mnist-cnn-v3.evaluation.json",
                        "mnist-cnn-v3-confusion.png",
                        "mnist-cnn-training.png");
    }

    @Test
    void aSnapshotTooLargeForTheTopicIsAnErrorNotASilentDrop() {
        byte[] payload = new byte[TopicSpecs.MAX_SNAPSHOT_BYTES + 1];
        var header = new SnapshotHeader(
                "huge",
                1L,
                0L,
                SnapshotHeader.ONNX_GRAPH,
                SnapshotCodec.sha256Hex(payload),
                List.of(1, 28, 28),
                10,
                null);
        try (var publisher = new SnapshotPublisher(kafka.bootstrapServers(), TOPICS, Duration.ofSeconds(20))) {
            var snapshot = new ModelSnapshot(header, payload);
            assertThatThrownBy(() -> publisher.publish(snapshot, SnapshotCodec.encode(snapshot, KEY)))
                    .isInstanceOf(SnapshotPublisher.SnapshotTooLargeException.class)
                    .hasMessageContaining("huge v1")
                    .hasMessageContaining("accepts at most");
            assertThat(publisher.latestVersion("huge", TRUST)).isEmpty();
        }
    }

    @Test
    void versionsClaimedByRecordsTheTrainersKeyDidNotSignDoNotCount() throws Exception {
        // topics of its own: the other tests read everything on theirs
        var topics = TOPICS.withPrefix("claims-");
        try (var publisher = new SnapshotPublisher(kafka.bootstrapServers(), topics, Duration.ofSeconds(20))) {
            publisher.publish(snapshot("claims", 4), SnapshotCodec.encode(snapshot("claims", 4), KEY));
            // anyone who can write the topic: unsigned at the last version number, another key's
            var maximal = snapshot("claims", Long.MAX_VALUE);
            publisher.publish(maximal, SnapshotCodec.encodeUnsigned(maximal));
            var stranger = snapshot("claims", 1_000);
            publisher.publish(stranger, SnapshotCodec.encode(stranger, SigningKey.generate()));

            assertThat(publisher.nextVersion("claims", TRUST)).isEqualTo(5L);
        }
    }

    @Test
    void afterItsSnapshotsLeftTheTopicTheTrainerGoesOnFromItsOwnFiles() throws Exception {
        // a tombstone, then compaction: the topic holds none of its versions; its snapshot files remain
        var topics = TOPICS.withPrefix("tombstoned-");
        var earlier = snapshot("tombstoned", 41);
        SnapshotFiles.write(earlier, SnapshotCodec.encode(earlier, KEY), models);
        List<TrainingRun.Published> published = new ArrayList<>();
        try (var publisher = new SnapshotPublisher(kafka.bootstrapServers(), topics, Duration.ofSeconds(20))) {
            new TrainingRun(
                            Recipe.SEED.withEpochs(1),
                            "tombstoned",
                            0,
                            100,
                            models,
                            Optional.of(publisher),
                            Optional.of(KEY))
                    .run(
                            MnistFixture.train().slice(0, 200),
                            MnistFixture.test().slice(0, 100),
                            new TrainingListener() {},
                            published::add);
        }

        assertThat(published).extracting(p -> p.snapshot().header().version()).containsExactly(42L);
    }

    private static ModelSnapshot snapshot(String model, long version) {
        byte[] payload = {1, 2, 3};
        return new ModelSnapshot(
                new SnapshotHeader(
                        model,
                        version,
                        0L,
                        SnapshotHeader.ONNX_GRAPH,
                        SnapshotCodec.sha256Hex(payload),
                        List.of(1, 28, 28),
                        10,
                        null),
                payload);
    }

    @Test
    void anUnreachableBrokerIsAClearErrorAfterABoundedWait() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> new SnapshotPublisher("127.0.0.1:1", TOPICS, Duration.ofSeconds(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:1");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    private List<ConsumerRecord<String, byte[]>> readAll() {
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG, "reader"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPICS.modelSnapshots()));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= 3;
            });
            return records;
        }
    }
}
