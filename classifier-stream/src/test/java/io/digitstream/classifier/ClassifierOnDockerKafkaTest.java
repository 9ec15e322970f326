package io.digitstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.testing.BrokerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The classifier against the official apache/kafka image, as docker compose runs it. Skipped without a Docker engine. */
@Testcontainers(disabledWithoutDocker = true)
@BrokerTest
class ClassifierOnDockerKafkaTest {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @TempDir
    Path state;

    @Test
    void predictionsFlowThroughTheOfficialImage() throws Exception {
        String bootstrap = KAFKA.getBootstrapServers();
        TopicNames topics = TopicNames.DEFAULTS;
        var settings = TestModels.settings(KafkaConnection.to(bootstrap))
                .optApplicationId("docker-e2e")
                .optBatch(BatchSettings.DEFAULTS.withMaxBatch(32))
                .optStateDir(state)
                .optEngine(EngineChoice.ofOnnx())
                .optStartupTimeout(Duration.ofSeconds(60))
                .build();
        try (var classifier = Classifier.start(settings, new SimpleMeterRegistry());
                var snapshots = new KafkaProducer<>(
                        Map.<String, Object>of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                                TopicSpecs.MAX_SNAPSHOT_BYTES),
                        new StringSerializer(),
                        new ByteArraySerializer());
                var images = new KafkaProducer<>(
                        Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                        new StringSerializer(),
                        MessageSerdes.imageEvent().serializer());
                var reader = new KafkaConsumer<>(
                        Map.<String, Object>of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "reader",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        MessageSerdes.prediction().deserializer())) {
            snapshots
                    .send(new ProducerRecord<>(topics.modelSnapshots(), TestModels.MODEL, TestModels.snapshot(1)))
                    .get();
            for (int i = 0; i < 100; i++) {
                ImageEvent event = TestModels.event(i);
                images.send(new ProducerRecord<>(topics.digitsIn(), event.id(), event));
            }
            images.flush();
            reader.subscribe(List.of(topics.predictionsOut()));
            Set<String> ids = new HashSet<>();
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(r -> ids.add(r.key()));
                return ids.size() == 100;
            });
            assertThat(classifier.models().servingVersion()).contains(1L);
        }
    }
}
