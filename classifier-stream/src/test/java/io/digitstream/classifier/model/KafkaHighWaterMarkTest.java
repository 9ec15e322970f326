package io.digitstream.classifier.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.cluster.TopicAdmin;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.model.admission.HighWaterMark.Mark;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.testing.BrokerTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The mark as a restarted or newly scaled instance finds it: in the application's compacted topic, on a real broker. */
@BrokerTest
class KafkaHighWaterMarkTest {
    private static final String TOPIC = KafkaHighWaterMark.topicOf("mark-test");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aNewInstanceReadsTheHighestVersionAnyInstanceAdmitted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.ensureTopics(admin, List.of(TopicSpecs.highWaterMark(TOPIC, TopicLayout.DEFAULT)), TIMEOUT);
                var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC)))
                        .all()
                        .get()
                        .values()
                        .iterator()
                        .next();
                assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                        .as("compacted: the newest mark per model outlives everything else")
                        .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            }

            try (var first = KafkaHighWaterMark.open(TOPIC, client, client, TIMEOUT);
                    var second = KafkaHighWaterMark.open(TOPIC, client, client, TIMEOUT)) {
                assertThat(first.highest("mnist-cnn")).isEmpty();
                first.raise("mnist-cnn", new Mark(3, "aa"));
                first.raise("mnist-cnn", new Mark(5, "bb"));
                second.raise("mnist-cnn", new Mark(4, "cc")); // a slower instance, behind: never lowers it
                first.raise("other-model", new Mark(9, "dd"));
            }

            try (var restarted = KafkaHighWaterMark.open(TOPIC, client, client, TIMEOUT)) {
                assertThat(restarted.highest("mnist-cnn")).contains(new Mark(5, "bb"));
                assertThat(restarted.highest("other-model")).contains(new Mark(9, "dd"));
            }
        }
    }
}
