package io.digitstream.classifier.model;

import io.digitstream.cluster.TopicReader;
import io.digitstream.model.admission.HighWaterMark;
import io.digitstream.schemas.message.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The high-water mark kept in the classifier application's own compacted topic
 * ({@code <application id>-high-water-mark}), shared by all its instances. Read to its end before
 * the topology starts, so a restarted or newly scaled instance knows the highest version ever
 * admitted before it restores the snapshots; raised by each admission. On a secured cluster only
 * the classifier's principal may write it (its ACL prefix), so a writer of {@code model-snapshots}
 * cannot lower it.
 */
public final class KafkaHighWaterMark implements HighWaterMark, AutoCloseable {
    public static final String TOPIC_SUFFIX = "-high-water-mark";
    private static final Logger log = LoggerFactory.getLogger(KafkaHighWaterMark.class);

    private final HighWaterMark.InMemory marks = new HighWaterMark.InMemory();
    private final String topic;
    private final Producer<String, byte[]> producer;
    private final Duration timeout;

    private KafkaHighWaterMark(String topic, Producer<String, byte[]> producer, Duration timeout) {
        this.topic = topic;
        this.producer = producer;
        this.timeout = timeout;
    }

    /** The topic of the classifier application {@code applicationId}. */
    public static String topicOf(String applicationId) {
        return applicationId + TOPIC_SUFFIX;
    }

    /**
     * Reads {@code topic} to its end, then keeps a producer to raise the mark.
     *
     * @param consumerConfig bootstrap servers and security settings to read it with
     * @param producerConfig the same, to write it with
     * @throws IllegalStateException when the topic cannot be read to its end within {@code timeout}
     */
    public static KafkaHighWaterMark open(
            String topic, Map<String, Object> consumerConfig, Map<String, Object> producerConfig, Duration timeout) {
        Map<String, Object> writer = new HashMap<>(producerConfig);
        writer.put(ProducerConfig.ACKS_CONFIG, "all");
        writer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        writer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        var mark = new KafkaHighWaterMark(
                topic, new KafkaProducer<>(writer, new StringSerializer(), new ByteArraySerializer()), timeout);
        try {
            mark.readToEnd(consumerConfig);
        } catch (RuntimeException e) {
            mark.close();
            throw e;
        }
        return mark;
    }

    private void readToEnd(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readToEnd(consumer, topic, timeout, this::read);
        }
        log.info("High-water marks read from {}: {}", topic, marks);
    }

    /**
     * One record per admitted version, keyed {@code <model>@<version>}: compaction folds the
     * instances' writes of one version together but never drops a higher version for a lower one
     * written later by an instance that was behind.
     */
    record Entry(String modelName, long version, String payloadSha256) {}

    private void read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            Entry entry = Json.MAPPER.readValue(record.value(), Entry.class);
            marks.raise(entry.modelName(), new Mark(entry.version(), entry.payloadSha256()));
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Ignoring an unreadable high-water mark at {} offset {}: {}", topic, record.offset(), e.toString());
        }
    }

    @Override
    public Optional<Mark> highest(String modelName) {
        return marks.highest(modelName);
    }

    /**
     * Raises the mark here at once, and in the topic before returning. If the cluster does not take
     * it within the timeout, the model serves anyway (refusing a model over a lost audit record would
     * let a broker outage block every new model) and the failure is logged: until a later admission
     * writes the mark, a restarted instance knows only what the topic holds.
     */
    @Override
    public void raise(String modelName, Mark mark) {
        if (marks.highest(modelName).map(Mark::version).orElse(Long.MIN_VALUE) > mark.version()) {
            return;
        }
        marks.raise(modelName, mark);
        try {
            var entry = new Entry(modelName, mark.version(), mark.payloadSha256());
            producer.send(new ProducerRecord<>(
                            topic, modelName + "@" + mark.version(), Json.MAPPER.writeValueAsBytes(entry)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            log.error("Could not record {} v{} as admitted in {}: {}", modelName, mark.version(), topic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return topic;
    }
}
