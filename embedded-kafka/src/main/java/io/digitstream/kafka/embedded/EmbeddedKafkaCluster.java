package io.digitstream.kafka.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of several nodes in this process, each a broker and a KRaft controller, as a
 * small production cluster is laid out: internal topics and new topics get a replica on every node
 * and need all but one of them in sync. Stop and start single nodes to rehearse a broker's failure.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
    private final List<EmbeddedKafka> nodes;

    private EmbeddedKafkaCluster(List<EmbeddedKafka> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts {@code size} nodes on free ports and waits until each answers.
     *
     * @param overrides broker configs for every node, on top of the cluster's
     */
    public static EmbeddedKafkaCluster start(int size, Map<String, String> overrides) {
        if (size < 3) {
            throw new IllegalArgumentException("a replicated cluster needs at least 3 nodes, not " + size);
        }
        String replicas = Integer.toString(size);
        String inSync = Integer.toString(size - 1);
        Map<String, String> config = new HashMap<>(Map.of(
                "offsets.topic.replication.factor", replicas,
                "transaction.state.log.replication.factor", replicas,
                "transaction.state.log.min.isr", inSync,
                "share.coordinator.state.topic.replication.factor", replicas,
                "share.coordinator.state.topic.min.isr", inSync,
                "default.replication.factor", replicas,
                "min.insync.replicas", inSync));
        config.putAll(overrides);
        String clusterId = Uuid.randomUuid().toString();
        List<EmbeddedKafka> nodes = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            nodes.add(new EmbeddedKafka(
                    id,
                    clusterId,
                    EmbeddedKafka.temporaryDirectory(),
                    FreePorts.next(),
                    FreePorts.next(),
                    config,
                    null));
        }
        String voters = nodes.stream().map(EmbeddedKafka::voter).collect(Collectors.joining(","));
        nodes.forEach(node -> node.voters(voters));
        var cluster = new EmbeddedKafkaCluster(nodes);
        try {
            // a node's broker waits for the quorum, which needs a majority of the nodes: start them together,
            // each on a thread of its own (the common pool may have a single thread on a small machine)
            var starting = Executors.newFixedThreadPool(size);
            try {
                CompletableFuture.allOf(nodes.stream()
                                .map(node ->
                                        CompletableFuture.runAsync(() -> node.start(Duration.ofSeconds(90)), starting))
                                .toArray(CompletableFuture[]::new))
                        .join();
            } finally {
                starting.shutdown();
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Node {@code id}, 1-based as its {@code node.id}. */
    public EmbeddedKafka node(int id) {
        return nodes.get(id - 1);
    }

    public List<EmbeddedKafka> nodes() {
        return nodes;
    }

    /** Every node's client address, so clients find the cluster whichever node is down. */
    public String bootstrapServers() {
        return nodes.stream().map(EmbeddedKafka::bootstrapServers).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        nodes.parallelStream().forEach(EmbeddedKafka::close);
    }
}
