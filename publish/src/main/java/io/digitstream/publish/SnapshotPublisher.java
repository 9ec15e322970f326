package io.digitstream.publish;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.cluster.TopicReader;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes snapshots to the compacted {@code model-snapshots} topic (created if absent). The
 * next version comes from the newest snapshot on the topic, so versions grow across trainer runs
 * and machines; every call that talks to the cluster gives up with a clear error after a bounded wait.
 */
public final class SnapshotPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final KafkaConnection cluster;
    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;

    public SnapshotPublisher(String bootstrapServers, TopicNames topics, Duration timeout) {
        this(KafkaConnection.to(bootstrapServers), topics, timeout);
    }

    public SnapshotPublisher(KafkaConnection cluster, TopicNames topics, Duration timeout) {
        this.cluster = cluster;
        this.topic = topics.modelSnapshots();
        this.timeout = timeout;
        Map<String, Object> admin = cluster.clientConfig(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000)));
        try (Admin client = Admin.create(admin)) {
            TopicAdmin.ensureTopics(client, List.of(TopicSpecs.modelSnapshots(topics, TopicLayout.DEFAULT)), timeout);
        } catch (IllegalStateException e) {
            // say which cluster did not answer or refused: the bootstrap servers are the usual mistake
            throw new IllegalStateException(
                    "Kafka cluster at " + cluster.bootstrapServers() + ": " + e.getMessage(), e);
        }
        int requestTimeout = (int) Math.min(timeout.toMillis(), 30_000);
        this.producer = new KafkaProducer<>(
                cluster.clientConfig(Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        TopicSpecs.MAX_SNAPSHOT_BYTES + 64 * 1024,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        timeout.toMillis(),
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        requestTimeout,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        (int) Math.max(timeout.toMillis(), requestTimeout + 5_000L))),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /**
     * One more than the newest version of {@code modelName} on the topic among the snapshots {@code
     * trust} admits (1 when there is none).
     */
    public long nextVersion(String modelName, SnapshotTrust trust) {
        long latest = latestVersion(modelName, trust).orElse(0L);
        if (latest == Long.MAX_VALUE) {
            throw new IllegalStateException(modelName + " has reached the last version number on " + topic);
        }
        return latest + 1;
    }

    /**
     * What a trainer holding {@code key} counts as its model's versions: snapshots signed by that key
     * (or, for a trainer without one, unsigned snapshots). Anything else on the topic (an unsigned
     * record claiming version 2^63-1, another key's) is a writer's claim, not a version.
     */
    public static SnapshotTrust numberingTrust(Optional<SigningKey> key) {
        return key.map(k -> SnapshotTrust.requireSigned(TrustedKeys.of(k.publicKey())))
                .orElseGet(() -> SnapshotTrust.allowUnsigned(TrustedKeys.none()));
    }

    /**
     * The newest version of {@code modelName} on the topic, read from the beginning, among the
     * snapshots {@code trust} admits whose signed header names that model.
     */
    public Optional<Long> latestVersion(String modelName, SnapshotTrust trust) {
        Map<String, Object> props = cluster.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis(),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                TopicSpecs.MAX_SNAPSHOT_BYTES + 64 * 1024));
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            long[] latest = {0};
            TopicReader.readToEnd(consumer, topic, timeout, record -> {
                if (modelName.equals(record.key())) {
                    Decoded<ModelSnapshot> decoded = SnapshotCodec.decode(record.value(), trust);
                    if (decoded instanceof Decoded.Valid<ModelSnapshot> valid
                            && modelName.equals(valid.value().header().modelName())) {
                        latest[0] = Math.max(latest[0], valid.value().header().version());
                    }
                }
            });
            return latest[0] == 0 ? Optional.empty() : Optional.of(latest[0]);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable(e);
        }
    }

    /**
     * Sends the snapshot's envelope (as {@link SnapshotCodec} encoded it, signed or not) and waits
     * for the broker's acknowledgement.
     *
     * @throws SnapshotTooLargeException when the envelope exceeds what the topic accepts
     */
    public RecordMetadata publish(ModelSnapshot snapshot, byte[] envelope) {
        if (envelope.length > TopicSpecs.MAX_SNAPSHOT_BYTES) {
            throw new SnapshotTooLargeException(snapshot.label() + " is " + envelope.length + " bytes; " + topic
                    + " accepts at most " + TopicSpecs.MAX_SNAPSHOT_BYTES);
        }
        try {
            RecordMetadata metadata = producer.send(
                            new ProducerRecord<>(topic, snapshot.header().modelName(), envelope))
                    .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            log.info(
                    "Published {} ({} bytes) to {} at offset {}",
                    snapshot.label(),
                    envelope.length,
                    topic,
                    metadata.offset());
            return metadata;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not publish " + snapshot.label() + " to " + topic + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing " + snapshot.label(), e);
        }
    }

    private IllegalStateException unreachable(Exception e) {
        return new IllegalStateException(
                "No answer from the Kafka cluster at " + cluster.bootstrapServers() + " within " + timeout
                        + "; is the broker running and are the bootstrap servers right?",
                e);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** A snapshot larger than the topic's {@code max.message.bytes}. */
    public static final class SnapshotTooLargeException extends IllegalStateException {
        public SnapshotTooLargeException(String message) {
            super(message);
        }
    }
}
