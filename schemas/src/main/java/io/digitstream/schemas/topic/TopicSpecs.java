package io.digitstream.schemas.topic;

import java.util.HashMap;
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

    /** Every topic, ready for {@code Admin.createTopics}. */
    public static List<NewTopic> all(TopicNames names, TopicLayout layout) {
        return List.of(
                topic(
                        names.digitsIn(),
                        layout.partitions(),
                        layout,
                        Map.of(MAX_MESSAGE_BYTES, MAX_IMAGE_RECORD_BYTES_VALUE)),
                topic(names.predictionsOut(), layout.partitions(), layout, Map.of()),
                modelSnapshots(names, layout),
                topic(
                        names.deadLetters(),
                        layout.partitions(),
                        layout,
                        Map.of(MAX_MESSAGE_BYTES, MAX_IMAGE_RECORD_BYTES_VALUE)),
                topic(names.accuracyOut(), 1, layout, Map.of(CLEANUP_POLICY, TopicConfig.CLEANUP_POLICY_COMPACT)),
                // an audit trail: every decision kept (for the broker's retention), in order
                topic(names.modelDecisions(), 1, layout, Map.of()));
    }

    /** Compacted by model name, one partition: the latest snapshot of each model is kept forever, in order. */
    public static NewTopic modelSnapshots(TopicNames names, TopicLayout layout) {
        return topic(
                names.modelSnapshots(),
                1,
                layout,
                Map.of(
                        CLEANUP_POLICY,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        MAX_MESSAGE_BYTES,
                        Integer.toString(MAX_SNAPSHOT_BYTES)));
    }

    /**
     * A classifier application's own record of the model versions it admitted: one partition,
     * compacted (a record per model and version), so the highest outlives compaction of the snapshots.
     */
    public static NewTopic highWaterMark(String name, TopicLayout layout) {
        return topic(name, 1, layout, Map.of(CLEANUP_POLICY, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    private static final String MAX_MESSAGE_BYTES = TopicConfig.MAX_MESSAGE_BYTES_CONFIG;
    private static final String CLEANUP_POLICY = TopicConfig.CLEANUP_POLICY_CONFIG;
    private static final String MAX_IMAGE_RECORD_BYTES_VALUE = Integer.toString(MAX_IMAGE_RECORD_BYTES);

    private static NewTopic topic(String name, int partitions, TopicLayout layout, Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        layout.minInsyncReplicas()
                .ifPresent(n -> all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        return new NewTopic(name, Optional.of(partitions), layout.replicationFactor()).configs(all);
    }
}
