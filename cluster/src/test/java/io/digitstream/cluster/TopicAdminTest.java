package io.digitstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.kafka.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Creating topics on a cluster whose brokers may not all be up yet. */
// the broker tier (test-support's BrokerTest, which this module is below)
@Tag("broker")
@Timeout(60)
class TopicAdminTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.onFreePort().start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @Test
    void moreReplicasThanLiveBrokersWaitForThemThenSaySo() {
        var topic = new NewTopic("replicated", Optional.of(1), Optional.of((short) 2));
        long started = System.nanoTime();

        try (Admin admin = admin()) {
            assertThatThrownBy(() -> TopicAdmin.ensureTopics(admin, List.of(topic), Duration.ofSeconds(3)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("The topics need 2 replicas, but the cluster has 1 live broker after PT3S");
        }
        // it waited for a second broker rather than giving up at the first refusal
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void asManyReplicasAsBrokersCreatesTheTopic() throws Exception {
        var topic = new NewTopic("single", Optional.of(1), Optional.of((short) 1));
        try (Admin admin = admin()) {
            TopicAdmin.ensureTopics(admin, List.of(topic), Duration.ofSeconds(20));

            assertThat(admin.listTopics().names().get()).contains("single");
        }
    }
}
