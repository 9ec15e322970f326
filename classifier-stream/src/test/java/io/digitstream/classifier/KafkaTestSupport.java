package io.digitstream.classifier;

import io.digitstream.cluster.TopicAdmin;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the broker tests of the classifier share: topics, a published model, a reader of predictions. */
public final class KafkaTestSupport {
    private KafkaTestSupport() {}

    public static void createTopics(EmbeddedKafka kafka, TopicNames topics) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, 3, Optional.empty()), Duration.ofSeconds(30));
        }
    }

    /** Publishes {@link TestModels#snapshot} of this version and waits for the broker's acknowledgement. */
    public static void publishSnapshot(EmbeddedKafka kafka, TopicNames topics, long version) throws Exception {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        TopicSpecs.MAX_SNAPSHOT_BYTES),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.modelSnapshots(), TestModels.MODEL, TestModels.snapshot(version)))
                    .get();
        }
    }

    /** Reads every committed prediction from the start of the topic. */
    public static KafkaConsumer<String, Prediction> predictionReader(EmbeddedKafka kafka, TopicNames topics) {
        var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                MessageSerdes.prediction().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topics.predictionsOut()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
