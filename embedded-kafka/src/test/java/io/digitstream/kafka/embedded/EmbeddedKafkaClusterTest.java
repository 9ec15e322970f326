package io.digitstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// the broker tier (test-support's BrokerTest, which this module is below)
@Tag("broker")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedKafkaClusterTest {

    @Test
    void threeNodesReplicateATopicAndAcceptWritesWithOneNodeDown() throws Exception {
        try (var cluster = EmbeddedKafkaCluster.start(3, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            admin.createTopics(List.of(new NewTopic("t", Optional.of(3), Optional.empty())))
                    .all()
                    .get();
            var partitions = admin.describeTopics(List.of("t"))
                    .allTopicNames()
                    .get()
                    .get("t")
                    .partitions();
            assertThat(partitions).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));

            cluster.node(2).stop();
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            cluster.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                            60_000),
                    new StringSerializer(),
                    new StringSerializer())) {
                for (int p = 0; p < 3; p++) {
                    // min.insync.replicas is 2: each partition takes the write with one replica down
                    producer.send(new ProducerRecord<>("t", p, "k", "with node 2 down"))
                            .get();
                }
            }
            cluster.node(2).start(Duration.ofSeconds(60));
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
        }
    }
}
