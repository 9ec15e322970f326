package io.digitstream.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.publish.SnapshotPublisher;
import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.testing.BrokerTest;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.TrainingListener;
import io.digitstream.trainer.training.TrainingRun;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replaying the fixture yields an accuracy report equal to an offline evaluation of the same model. */
@BrokerTest
class AccuracyEndToEndTest {
    private static final SigningKey KEY = SigningKey.generate();

    @TempDir
    Path work;

    @Test
    void theReportedAccuracyOfAVersionEqualsItsOfflineEvaluation() throws Exception {
        MnistDataset test = MnistFixture.test();
        TopicNames topics = TopicNames.DEFAULTS;
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, TopicLayout.DEFAULT), Duration.ofSeconds(30));
            }
            List<TrainingRun.Published> published = new ArrayList<>();
            try (var publisher = new SnapshotPublisher(kafka.bootstrapServers(), topics, Duration.ofSeconds(30))) {
                new TrainingRun(
                                Recipe.SEED.withEpochs(1),
                                SnapshotHeader.DEFAULT_MODEL_NAME,
                                0,
                                100,
                                work.resolve("models"),
                                Optional.of(publisher),
                                Optional.of(KEY))
                        .run(
                                MnistFixture.train().slice(0, 1000),
                                test.slice(0, 100),
                                new TrainingListener() {},
                                published::add);
            }
            var settings = ClassifierSettings.builder(
                            KafkaConnection.to(kafka.bootstrapServers()),
                            SnapshotTrust.requireSigned(TrustedKeys.of(KEY.publicKey())))
                    .optApplicationId("accuracy-e2e")
                    .optStateDir(work.resolve("classifier"))
                    .optCreateTopics(false)
                    .build();
            var accuracyApp = new KafkaStreams(
                    AccuracyTopology.build(topics, 500),
                    AccuracyTopology.streamsProperties(
                            KafkaConnection.to(kafka.bootstrapServers()), "accuracy-e2e-tally", work.resolve("acc")));
            try (var classifier = Classifier.start(settings, new SimpleMeterRegistry());
                    var replayer = new Replayer(kafka.bootstrapServers(), topics.digitsIn());
                    var reports = new KafkaConsumer<>(
                            Map.<String, Object>of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers(),
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "report-reader",
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest"),
                            new StringDeserializer(),
                            MessageSerdes.accuracyReport().deserializer())) {
                accuracyApp.start();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> classifier.models().servingVersion().isPresent());
                replayer.replay(test, new ReplayPlan(0, test.size(), 7L, 0, false, "fixture-"), null);

                reports.subscribe(List.of(topics.accuracyOut()));
                Map<String, AccuracyReport> latest = new HashMap<>();
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    reports.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
                    return latest.containsKey("1") && latest.get("1").seen() == test.size();
                });

                Evaluation offline;
                try (LoadedModel model = OnnxModels.singleThreadedVerifier(Holdout.fixture(Holdout.DEFAULT_SIZE))
                        .verify(published.get(0).snapshot())
                        .orElseThrow()) {
                    offline = Evaluation.of(model.engine(), test, 100);
                }
                AccuracyReport report = latest.get("1");
                assertThat(report.correct()).isEqualTo(offline.correct());
                assertThat(report.accuracy()).isEqualTo(offline.accuracy());
                assertThat(report.accuracy()).isGreaterThan(0.5); // a trained model, not chance
            } finally {
                accuracyApp.close(Duration.ofSeconds(20));
            }
        }
    }
}
