package io.digitstream.schemas.topic;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How each topic is created: partitions, replication and the configs the contract relies on.
 * The trainer, the classifier, the demo and docker compose's set-up all create topics from here.
 */
public final class TopicSpecs {
    public static final int DEFAULT_PARTITIONS = 3;

    /**
     * Largest record on {@code digits-in} and {@code digits-dlq}: an encoded image of up to
     * {@link #MAX_ENCODED_IMAGE_BYTES} grows by a third in base64, and the dead-letter topic must
     * hold any record it was given, including images refused for being too large.
     */
    public static final int MAX_IMAGE_RECORD_BYTES = 16 * 1024 * 1024;

    /** Largest PNG/JPEG the classifier decodes; larger ones go to the dead-letter topic. */
    public static final int MAX_ENCODED_IMAGE_BYTES = 4 * 1024 * 1024;

    /**
     * Largest model snapshot: the reference CNN is about 190 KB without updater state; the
     * headroom admits bigger recipes. Producers of snapshots set {@code max.request.size} to match.
     */
    public static final int MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;

    private TopicSpecs() {}

    /** Every topic, ready for {@code Admin.createTopics}. Replication empty = the broker's default. */
    public static List<NewTopic> all(TopicNames names, int partitions, Optional<Short> replication) {
        return List.of(
                digitsIn(names, partitions, replication),
                predictionsOut(names, partitions, replication),
                modelSnapshots(names, replication),
                deadLetters(names, partitions, replication),
                accuracyOut(names, replication));
    }

    public static NewTopic digitsIn(TopicNames names, int partitions, Optional<Short> replication) {
        return new NewTopic(names.digitsIn(), Optional.of(partitions), replication)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_IMAGE_RECORD_BYTES)));
    }

    public static NewTopic predictionsOut(TopicNames names, int partitions, Optional<Short> replication) {
        return new NewTopic(names.predictionsOut(), Optional.of(partitions), replication);
    }

    /** Compacted by model name: the latest snapshot of each model is kept forever. */
    public static NewTopic modelSnapshots(TopicNames names, Optional<Short> replication) {
        return new NewTopic(names.modelSnapshots(), Optional.of(1), replication)
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(MAX_SNAPSHOT_BYTES)));
    }

    public static NewTopic deadLetters(TopicNames names, int partitions, Optional<Short> replication) {
        return new NewTopic(names.deadLetters(), Optional.of(partitions), replication)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_IMAGE_RECORD_BYTES)));
    }

    /** Compacted by model version: the latest report for each version is what matters. */
    public static NewTopic accuracyOut(TopicNames names, Optional<Short> replication) {
        return new NewTopic(names.accuracyOut(), Optional.of(1), replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }
}
