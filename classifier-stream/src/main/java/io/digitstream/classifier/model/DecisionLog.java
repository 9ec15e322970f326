package io.digitstream.classifier.model;

import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.ModelDecision;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this instance's model decisions to the decisions topic (key = model name). The global
 * thread that decides cannot forward records through the topology, so a producer of its own does:
 * a decision is an audit record of what happened, written at least once and never blocking a swap.
 */
public final class DecisionLog implements Consumer<ModelDecision>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);

    private final String topic;
    private final KafkaProducer<String, ModelDecision> producer;

    /** @param producerConfig a producer's settings (the cluster and its security); acks and idempotence are set here */
    public DecisionLog(String topic, Map<String, Object> producerConfig) {
        this.topic = topic;
        var config = new java.util.HashMap<>(producerConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        this.producer = new KafkaProducer<>(
                config, new StringSerializer(), MessageSerdes.modelDecision().serializer());
    }

    @Override
    public void accept(ModelDecision decision) {
        producer.send(new ProducerRecord<>(topic, decision.modelName(), decision), (metadata, e) -> {
            if (e != null) {
                log.warn(
                        "Could not record the decision on {} v{} in {}: {}",
                        decision.modelName(),
                        decision.version(),
                        topic,
                        e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    public void close(Duration timeout) {
        producer.close(timeout);
    }
}
