package io.digitstream.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates topics that do not exist yet; existing topics are left as they are. */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {}

    /**
     * @throws IllegalStateException when the broker does not answer within {@code timeout},
     *         with a message naming the bootstrap servers to check
     */
    public static void ensureTopics(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        awaitBrokersFor(admin, topics, timeout);
        var options = new CreateTopicsOptions().timeoutMs((int) timeout.toMillis());
        Map<String, KafkaFuture<Void>> results =
                admin.createTopics(topics, options).values();
        for (var entry : results.entrySet()) {
            try {
                entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                log.info("Created topic {}", entry.getKey());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    // a part of a secured cluster may not create topics: fine, if an administrator has
                    requireExisting(admin, entry.getKey(), timeout);
                } else if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(
                            "Could not create topic " + entry.getKey() + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "No answer from the Kafka cluster within " + timeout
                                + " while creating topic " + entry.getKey() + "; is the broker running and are the"
                                + " bootstrap servers right?",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topics", e);
            }
        }
        awaitLeaders(admin, results.keySet(), timeout);
    }

    /**
     * Waits, within {@code timeout}, until the cluster has as many live brokers as the topics ask
     * replicas. A cluster's brokers come up one by one (three containers started together), and a
     * topic asked for with more replicas than brokers are registered is refused at once instead of
     * waiting for them. Topics that leave the replication factor to the broker skip this.
     */
    private static void awaitBrokersFor(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        int needed = topics.stream()
                .mapToInt(NewTopic::replicationFactor) // -1: the broker's default
                .max()
                .orElse(-1);
        if (needed <= 1) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int live = 0;
        while (true) {
            long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try {
                live = admin.describeCluster()
                        .nodes()
                        .get(leftMs, TimeUnit.MILLISECONDS)
                        .size();
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "Could not describe the Kafka cluster: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the cluster's brokers", e);
            }
            if (live >= needed || System.nanoTime() > deadline) {
                break;
            }
            log.info("Waiting for {} brokers to create topics with {} replicas ({} so far)", needed, needed, live);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the cluster's brokers", e);
            }
        }
        if (live < needed) {
            throw new IllegalStateException("The topics need " + needed + " replicas, but the cluster has " + live
                    + " live broker" + (live == 1 ? "" : "s") + " after " + timeout);
        }
    }

    private static void requireExisting(Admin admin, String topic, Duration timeout) {
        try {
            admin.describeTopics(java.util.List.of(topic))
                    .allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Topic " + topic + " does not exist and this principal may not create it;"
                            + " create the topics as an administrator ('digitstream topics' with an administrator's --kafka-config)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing " + topic, e);
        }
    }

    /**
     * Waits until every partition of the topics has a leader. A producer that writes to a topic
     * created a moment before gets NOT_LEADER_OR_FOLLOWER; an idempotent producer with several
     * batches in flight can then lose its first batch's place in the sequence and retry it for ever
     * (OutOfOrderSequenceException from the broker, seen here in a crash test's replay).
     */
    private static void awaitLeaders(Admin admin, Collection<String> names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                var descriptions =
                        admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                boolean led = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (led) {
                    awaitLogLeaders(admin, descriptions, deadline);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException(
                            "Could not describe topics " + names + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "No answer from the Kafka cluster within " + timeout + " while describing topics " + names, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topic leaders", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Topics " + names + " still have partitions without a leader after " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topic leaders", e);
            }
        }
    }

    /**
     * A leader in the cluster's metadata may not be one in its broker's log manager yet: the broker
     * applies the metadata to its cache before its partitions, and answers a produce with
     * NOT_LEADER_OR_FOLLOWER in between (seen again, after {@link #awaitLeaders}, in a crash test on a
     * slow run). Listing end offsets is answered by the leader's log itself, and the admin client
     * retries it while the broker says it is not the leader; once it answers, so will a produce.
     */
    private static void awaitLogLeaders(Admin admin, Map<String, TopicDescription> topics, long deadline) {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        topics.forEach((name, description) -> description
                .partitions()
                .forEach(p -> partitions.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try {
            admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) leftMs))
                    .all()
                    .get(leftMs + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                return; // this principal may not look: the leaders are in the metadata, which is all it can know
            }
            throw new IllegalStateException(
                    "The partitions of " + topics.keySet() + " do not answer as their leaders: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "The partitions of " + topics.keySet() + " still do not answer as their leaders", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for topic leaders", e);
        }
    }
}
