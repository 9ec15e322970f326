package io.digitstream.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicSpecsTest {

    @Test
    void snapshotAndAccuracyTopicsAreCompactedAndSnapshotsFit() {
        var topics = TopicSpecs.all(TopicNames.DEFAULTS, TopicLayout.DEFAULT);

        NewTopic snapshots = topics.stream()
                .filter(t -> t.name().equals("model-snapshots"))
                .findFirst()
                .orElseThrow();
        NewTopic accuracy = topics.stream()
                .filter(t -> t.name().equals("accuracy-out"))
                .findFirst()
                .orElseThrow();
        NewTopic input = topics.stream()
                .filter(t -> t.name().equals("digits-in"))
                .findFirst()
                .orElseThrow();
        NewTopic predictions = topics.stream()
                .filter(t -> t.name().equals("predictions-out"))
                .findFirst()
                .orElseThrow();

        assertThat(snapshots.configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(TopicSpecs.MAX_SNAPSHOT_BYTES));
        assertThat(accuracy.configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(input.numPartitions()).isEqualTo(3);
        assertThat(predictions.numPartitions()).isEqualTo(input.numPartitions());
        assertThat(topics).extracting(NewTopic::name).containsExactlyInAnyOrderElementsOf(TopicNames.DEFAULTS.all());
    }

    @Test
    void aReplicatedLayoutPutsEveryPartitionOfEveryTopicOnThatManyBrokers() {
        var topics = TopicSpecs.all(
                TopicNames.DEFAULTS, TopicLayout.DEFAULT.withPartitions(6).replicated(3, 2));

        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        });
        assertThat(topics)
                .filteredOn(t -> t.name().equals("digits-in"))
                .singleElement()
                .extracting(NewTopic::numPartitions)
                .isEqualTo(6);
        // the default leaves replication to the broker
        assertThat(TopicSpecs.all(TopicNames.DEFAULTS, TopicLayout.DEFAULT)).allSatisfy(topic -> {
            assertThat(topic.replicationFactor()).isEqualTo((short) -1);
            assertThat(topic.configs()).doesNotContainKey(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        });
        assertThatThrownBy(() -> TopicLayout.DEFAULT.replicated(2, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefixedNamesKeepTheirShape() {
        assertThat(TopicNames.DEFAULTS.withPrefix("t1-").digitsIn()).isEqualTo("t1-digits-in");
        assertThatThrownBy(() -> new TopicNames("a", "b", "c", "d", "e", " "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
