package io.digitstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafkaCluster;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.testing.BrokerTest;
import io.digitstream.testing.KafkaTestSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A production layout: three brokers, every topic with three replicas and two in sync, the
 * classifier under exactly-once. A broker that leads part of digits-in goes down mid-replay and
 * comes back: every image is predicted exactly once and nothing valid reaches the dead letters.
 */
@BrokerTest
class ClassifierOnReplicatedClusterTest {
    private static final int IMAGES = 1_500;

    @TempDir
    Path state;

    @Test
    void aBrokerDownAndBackMidReplayLosesAndRepeatsNothing() throws Exception {
        TopicNames topics = TopicNames.DEFAULTS;
        try (var cluster = EmbeddedKafkaCluster.start(3, Map.of())) {
            String bootstrap = cluster.bootstrapServers();
            KafkaTestSupport.createTopics(bootstrap, topics, TopicLayout.DEFAULT.replicated(3, 2));
            TestModels.publish(bootstrap, topics, 1);
            var settings = TestModels.settings(
                            new KafkaConnection(bootstrap, Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200")))
                    .optApplicationId("replicated")
                    .optTopics(topics)
                    .optBatch(BatchSettings.DEFAULTS.withMaxBatch(32))
                    .optProcessingGuarantee(StreamsConfig.EXACTLY_ONCE_V2)
                    .optStateDir(state)
                    .optCreateTopics(false)
                    .optStartupTimeout(Duration.ofSeconds(90))
                    .build();
            try (var classifier = Classifier.start(settings, new SimpleMeterRegistry());
                    var replayer = new Replayer(KafkaConnection.to(bootstrap), topics.digitsIn());
                    var reader = KafkaTestSupport.predictionReader(bootstrap, topics)) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> classifier.models().servingVersion().isPresent());
                var replay = CompletableFuture.runAsync(() -> replayer.replay(
                                MnistFixture.test(), new ReplayPlan(0, IMAGES / 3, null, 150, false, "a-"), null)
                        .sent());
                Map<String, Integer> seen = new HashMap<>();
                await().atMost(Duration.ofSeconds(60)).until(() -> read(reader, seen) >= IMAGES / 6);

                int leader = leaderOfFirstInputPartition(bootstrap, topics);
                cluster.node(leader).stop();
                replay.join();
                // the rest is sent and classified while a third of the cluster is down
                replayer.replay(MnistFixture.test(), new ReplayPlan(0, IMAGES / 3, null, 300, false, "b-"), null);
                cluster.node(leader).start(Duration.ofSeconds(60));
                replayer.replay(MnistFixture.test(), new ReplayPlan(0, IMAGES / 3, null, 0, false, "c-"), null);

                await().atMost(Duration.ofSeconds(120)).until(() -> read(reader, seen) >= IMAGES);
                // a late duplicate would show up after the last expected prediction: give it time to come
                await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
                read(reader, seen);
                assertThat(seen).hasSize(IMAGES);
                assertThat(seen.values()).as("predictions per image").containsOnly(1);
                assertThat(KafkaTestSupport.recordsIn(bootstrap, topics.deadLetters()))
                        .isZero();
            }
        }
    }

    /** Reads what came, counting predictions per image id; returns the number of distinct ids. */
    private static int read(KafkaConsumer<String, Prediction> reader, Map<String, Integer> seen) {
        for (var record : reader.poll(Duration.ofMillis(200))) {
            seen.merge(record.key(), 1, Integer::sum);
        }
        return seen.size();
    }

    private static int leaderOfFirstInputPartition(String bootstrap, TopicNames topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            var description = admin.describeTopics(List.of(topics.digitsIn()))
                    .allTopicNames()
                    .get()
                    .get(topics.digitsIn());
            return description.partitions().get(0).leader().id();
        }
    }
}
