package io.digitstream.testing;

import io.digitstream.cluster.TopicAdmin;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the broker tests share: the contract's topics, a record sent and acknowledged, a reader of predictions. */
public final class KafkaTestSupport {
    private KafkaTestSupport() {}

    public static void createTopics(EmbeddedKafka kafka, TopicNames topics) {
        createTopics(kafka.bootstrapServers(), topics, TopicLayout.DEFAULT);
    }

    public static void createTopics(String bootstrapServers, TopicNames topics, TopicLayout layout) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, layout), Duration.ofSeconds(30));
        }
    }

    /** Sends one record of bytes and waits for every in-sync replica's acknowledgement. */
    public static void send(String bootstrapServers, String topic, String key, byte[] value) throws Exception {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        TopicSpecs.MAX_SNAPSHOT_BYTES),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Reads every committed prediction from the start of the topic. */
    public static KafkaConsumer<String, Prediction> predictionReader(EmbeddedKafka kafka, TopicNames topics) {
        return predictionReader(kafka.bootstrapServers(), topics);
    }

    public static KafkaConsumer<String, Prediction> predictionReader(String bootstrapServers, TopicNames topics) {
        return predictionReader(bootstrapServers, topics, Map.of());
    }

    /** The same, for a cluster that wants these client settings (a secured one's credentials). */
    public static KafkaConsumer<String, Prediction> predictionReader(
            String bootstrapServers, TopicNames topics, Map<String, String> clientSettings) {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var consumer = new KafkaConsumer<>(
                config, new StringDeserializer(), MessageSerdes.prediction().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topics.predictionsOut()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Records written to a topic so far, summed over its partitions (its end offsets). */
    public static long recordsIn(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            var partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        }
    }
}
