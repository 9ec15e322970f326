package io.digitstream.schemas.topic;

import java.util.Optional;

/**
 * How the topics are laid out over a cluster: partitions of the per-image topics, and the
 * replication a production cluster wants (empty = the broker's defaults).
 *
 * @param partitions        partitions of digits-in, predictions-out and digits-dlq
 * @param replicationFactor replicas of every partition of every topic
 * @param minInsyncReplicas replicas that must have a write before it counts ({@code acks=all})
 */
public record TopicLayout(int partitions, Optional<Short> replicationFactor, Optional<Integer> minInsyncReplicas) {
    public static final TopicLayout DEFAULT =
            new TopicLayout(TopicSpecs.DEFAULT_PARTITIONS, Optional.empty(), Optional.empty());

    public TopicLayout {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        if (replicationFactor.isPresent() && replicationFactor.get() < 1) {
            throw new IllegalArgumentException("the replication factor must be at least 1");
        }
        if (minInsyncReplicas.isPresent()
                && (minInsyncReplicas.get() < 1
                        || minInsyncReplicas.get() > replicationFactor.orElse(Short.MAX_VALUE))) {
            throw new IllegalArgumentException("min.insync.replicas must be between 1 and the replication factor");
        }
    }

    public TopicLayout withPartitions(int partitions) {
        return new TopicLayout(partitions, replicationFactor, minInsyncReplicas);
    }

    /** Every partition on {@code replicationFactor} brokers, a write needing {@code minInsyncReplicas} of them. */
    public TopicLayout replicated(int replicationFactor, int minInsyncReplicas) {
        return new TopicLayout(partitions, Optional.of((short) replicationFactor), Optional.of(minInsyncReplicas));
    }
}
