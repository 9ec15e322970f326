package io.digitstream.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka node (broker and KRaft controller in one) started from Kafka's own server classes: on its
 * own a single-node cluster, or one node of an {@link EmbeddedKafkaCluster}. Its log directory
 * survives {@link #stop()} so the same node can be started again, as a restarted broker would be;
 * {@link #close()} stops it and deletes its data.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";

    private final int nodeId;
    private final String clusterId;
    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private String voters;
    private final Map<String, String> overrides;
    /** Null for a PLAINTEXT broker that lets anyone do anything. */
    private final SaslUsers users;

    private KafkaRaftServer server;
    private boolean formatted;

    EmbeddedKafka(
            int nodeId,
            String clusterId,
            Path logDir,
            int brokerPort,
            int controllerPort,
            Map<String, String> overrides,
            SaslUsers users) {
        this.users = users;
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.voters = nodeId + "@" + HOST + ":" + controllerPort;
        this.overrides = Map.copyOf(overrides);
    }

    /** A broker on a free port with its data in a new temporary directory; call {@link #start()}. */
    public static EmbeddedKafka onFreePort() {
        return create(0, Map.of());
    }

    /**
     * A single-node cluster; call {@link #start()}.
     *
     * @param port     the client port, 0 for any free one
     * @param overrides broker configs that replace the defaults
     */
    public static EmbeddedKafka create(int port, Map<String, String> overrides) {
        return new EmbeddedKafka(
                1,
                Uuid.randomUuid().toString(),
                temporaryDirectory(),
                port == 0 ? FreePorts.next() : port,
                FreePorts.next(),
                overrides,
                null);
    }

    /**
     * A single-node cluster on a free port that authenticates every client (SASL/SCRAM-SHA-512 on a
     * SASL_PLAINTEXT listener) and authorizes every request by ACL (Kafka's StandardAuthorizer;
     * what no ACL allows is denied). Create topics and ACLs as {@link SaslUsers#ADMIN}.
     */
    public static EmbeddedKafka secured(SaslUsers users) {
        return new EmbeddedKafka(
                1,
                Uuid.randomUuid().toString(),
                temporaryDirectory(),
                FreePorts.next(),
                FreePorts.next(),
                Map.of(),
                users);
    }

    /** The settings a client needs on top of the bootstrap servers: none for a PLAINTEXT broker, the admin's otherwise. */
    public Map<String, String> adminSettings() {
        return users == null ? Map.of() : users.clientSettings(SaslUsers.ADMIN);
    }

    /** The KRaft quorum this node votes in, as {@code id@host:port,...}; set by a cluster before it starts. */
    void voters(String voters) {
        this.voters = voters;
    }

    /** This node's {@code id@host:port} in the controller quorum. */
    String voter() {
        return nodeId + "@" + HOST + ":" + controllerPort;
    }

    public int nodeId() {
        return nodeId;
    }

    /** Starts the broker and waits until it answers, at most {@code timeout}. */
    public synchronized EmbeddedKafka start(Duration timeout) {
        if (server != null) {
            return this;
        }
        long started = System.nanoTime();
        KafkaConfig config = new KafkaConfig(config(), false);
        if (!formatted) {
            format(config);
            formatted = true;
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady(timeout);
        log.info(
                "Kafka broker ready at {} in {} ms (data in {})",
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                logDir);
        return this;
    }

    public EmbeddedKafka start() {
        return start(Duration.ofSeconds(60));
    }

    /** Stops the broker but keeps its data, so {@link #start()} brings the same cluster back. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            log.info("Kafka broker at {} stopped", bootstrapServers());
        }
    }

    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    @Override
    public synchronized void close() {
        stop();
        try {
            Utils.delete(logDir.toFile());
        } catch (IOException e) {
            log.warn("Could not delete {}", logDir, e);
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", voters);
        String clients = users == null ? "PLAINTEXT" : "CLIENTS";
        props.put(
                "listeners",
                clients + "://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", clients + "://" + HOST + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", clients);
        if (users == null) {
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            secure(props);
        }
        props.put("log.dirs", logDir.toString());
        // one node: every internal topic has one replica (a cluster overrides these)
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        // compaction must be visible within a test's lifetime
        props.put("log.cleaner.backoff.ms", "500");
        props.put("log.cleaner.dedupe.buffer.size", Long.toString(16L * 1024 * 1024));
        props.putAll(overrides);
        return props;
    }

    /**
     * Authentication everywhere and ACLs: SCRAM on the client listener (its credentials live in the
     * cluster's metadata, bootstrapped when the storage is formatted), PLAIN with a static
     * {@link SaslUsers#ADMIN} on the controller listener (SCRAM cannot authenticate the controllers
     * that hold those credentials), the admin the only super user.
     */
    private void secure(Map<String, Object> props) {
        String adminPassword = users.passwords().get(SaslUsers.ADMIN);
        props.put("listener.security.protocol.map", "CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", SaslUsers.MECHANISM);
        props.put("sasl.mechanism.inter.broker.protocol", SaslUsers.MECHANISM);
        props.put(
                "listener.name.clients.scram-sha-512.sasl.jaas.config",
                SaslUsers.scramJaas(SaslUsers.ADMIN, adminPassword));
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put(
                "listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + SaslUsers.ADMIN
                        + "\" password=\"" + adminPassword + "\" user_" + SaslUsers.ADMIN + "=\"" + adminPassword
                        + "\";");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + SaslUsers.ADMIN);
        props.put("allow.everyone.if.no.acl.found", "false");
    }

    private void format(KafkaConfig config) {
        try {
            new Formatter()
                    .setScramArguments(
                            users == null
                                    ? List.of()
                                    : users.passwords().entrySet().stream()
                                            .map(u -> SaslUsers.MECHANISM + "=[name=" + u.getKey() + ",password="
                                                    + u.getValue() + "]")
                                            .toList())
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName("CONTROLLER")
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the embedded broker's storage in " + logDir, e);
        }
    }

    private void awaitReady(Duration timeout) {
        Map<String, Object> props = new HashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5_000));
        props.putAll(adminSettings());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "The embedded broker did not become ready within " + timeout, e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the embedded broker", e);
        }
    }

    static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("digitstream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
