package io.digitstream.classifier.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.TestModels;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.model.admission.HighWaterMark;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.testing.BrokerTest;
import io.digitstream.testing.KafkaTestSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BrokerTest
class TrafficWarmUpTest {
    private static final String INSTANCE = "host/1";
    private static EmbeddedKafka kafka;

    @TempDir
    Path state;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.onFreePort().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void syntheticImagesGoThroughTheTopologyAndNothingOfTheWarmUpStays() throws Exception {
        Properties props = streamsProperties("warm-a");
        var outcome = run(props, 300);

        assertThat(outcome)
                .isInstanceOfSatisfying(
                        TrafficWarmUp.Outcome.Warmed.class,
                        warmed -> assertThat(warmed.images()).isEqualTo(300));
        String prefix = TrafficWarmUp.prefix("warm-a", INSTANCE);
        assertThat(prefix).isEqualTo("warm-a-warm-up-host-1");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).noneMatch(name -> name.startsWith(prefix));
            assertThat(admin.listConsumerGroups().all().get())
                    .extracting(ConsumerGroupListing::groupId)
                    .doesNotContain(prefix);
        }
    }

    @Test
    void predictionsAnInterruptedWarmUpLeftBehindDoNotCount() throws Exception {
        Properties props = streamsProperties("warm-b");
        String leftOver = TrafficWarmUp.prefix("warm-b", INSTANCE) + "-out";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(leftOver, Optional.of(1), Optional.empty())))
                    .all()
                    .get();
        }
        for (int i = 0; i < 400; i++) {
            KafkaTestSupport.send(kafka.bootstrapServers(), leftOver, "old-" + i, new byte[] {1});
        }

        var outcome = run(props, 100);

        assertThat(outcome)
                .isInstanceOfSatisfying(
                        TrafficWarmUp.Outcome.Warmed.class,
                        warmed -> assertThat(warmed.images()).isEqualTo(100));
    }

    private Properties streamsProperties(String applicationId) {
        var props = Classifier.streamsProperties(TestModels.settings(KafkaConnection.to(kafka.bootstrapServers()))
                .optApplicationId(applicationId)
                .optTopics(TopicNames.DEFAULTS)
                .optStateDir(state)
                .build());
        assertThat(props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo(applicationId);
        return props;
    }

    private static TrafficWarmUp.Outcome run(Properties props, int images) {
        return TrafficWarmUp.run(
                props,
                INSTANCE,
                BatchSettings.DEFAULTS,
                ClassifierSettings.DEFAULT_UNCERTAIN_BELOW,
                TestModels.admission(HighWaterMark.inMemory()),
                TestModels.decisions(decision -> {}),
                images);
    }
}
