package io.digitstream.console.feed;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.schemas.DeadLetterHeaders;
import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's one reader of the topics, on one thread. It joins no consumer group and commits
 * nothing: it assigns itself every partition, so any number of consoles read everything, and
 * however many classifier instances write, the console sees all of their output.
 *
 * <p>Live topics (predictions, dead letters) are read from their end when the console starts: the
 * page shows what happens from now on. The history topics (snapshots, decisions, accuracy) are read
 * from their beginning. Topics and partitions that appear later are picked up from their beginning,
 * since everything in them is newer than the console.
 */
public final class TopicFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(2);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final TopicNames topics;
    private final FeedListener listener;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<Prediction> predictions =
            MessageSerdes.prediction().deserializer();
    private final Deserializer<ModelDecision> decisions =
            MessageSerdes.modelDecision().deserializer();
    private final Deserializer<AccuracyReport> reports =
            MessageSerdes.accuracyReport().deserializer();
    private final LongSupplier clock;
    private final Predicate<String> decodedWhole;
    private final Thread thread;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final AtomicLong unreadable = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private boolean discoveredOnce;
    private long nextDiscovery;

    /**
     * @param decodedWhole the ids of the predictions to decode whole (the others are read for their
     *                     facts only)
     */
    public TopicFeed(
            KafkaConnection cluster,
            TopicNames topics,
            FeedListener listener,
            LongSupplier clock,
            Predicate<String> decodedWhole) {
        this.topics = topics;
        this.decodedWhole = decodedWhole;
        this.listener = listener;
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(
                cluster.clientConfig(Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "digitstream-console",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                        false,
                        // under exactly-once, what a transaction aborted never happened
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        // under load, few large fetches (cheap for the broker the pipeline shares);
                        // the page is at most a fetch wait behind: well under a second
                        ConsumerConfig.FETCH_MIN_BYTES_CONFIG,
                        256 * 1024,
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        200,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5_000)),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "console-feed");
        this.thread.setDaemon(true);
    }

    public TopicFeed start() {
        thread.start();
        return this;
    }

    /** True once the history topics have been read up to where they were when first found. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Records the console could not read as their topic's message type (skipped). */
    public long unreadable() {
        return unreadable.get();
    }

    private void run() {
        try {
            while (running) {
                if (clock.getAsLong() >= nextDiscovery) {
                    discover();
                    nextDiscovery = clock.getAsLong() + DISCOVERY_INTERVAL.toMillis();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(POLL.toMillis()); // nothing to poll yet: the topics do not exist
                    continue;
                }
                var records = consumer.poll(POLL);
                long readAt = clock.getAsLong();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    dispatch(record, readAt);
                }
                if (!caughtUp && discoveredOnce) {
                    caughtUp = historyCaughtUp();
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("The console's topic reader stopped: {}", e.toString(), e);
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    /** Assigns partitions that appeared since the last look. */
    private void discover() {
        List<TopicPartition> fresh = new ArrayList<>();
        List<TopicPartition> live = new ArrayList<>();
        try {
            for (String topic : topics.all()) {
                if (topic.equals(topics.digitsIn())) {
                    continue; // images are the classifier's business; the console reads answers
                }
                List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(1));
                for (PartitionInfo info : partitions == null ? List.<PartitionInfo>of() : partitions) {
                    var partition = new TopicPartition(topic, info.partition());
                    if (assigned.add(partition)) {
                        fresh.add(partition);
                        if (isLive(topic) && !discoveredOnce) {
                            live.add(partition);
                        }
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            log.debug("No answer from the cluster while looking for partitions: {}", e.getMessage());
            return;
        } catch (org.apache.kafka.common.KafkaException e) {
            log.warn("Cannot list the topics' partitions: {}", e.getMessage());
            return;
        } finally {
            if (!fresh.isEmpty()) {
                consumer.assign(assigned);
                var history = new ArrayList<>(fresh);
                history.removeAll(live);
                consumer.seekToBeginning(history);
                consumer.seekToEnd(live);
                log.info("Reading {} more partitions ({} from their end)", fresh.size(), live.size());
            }
        }
        discoveredOnce = true;
    }

    private boolean isLive(String topic) {
        return topic.equals(topics.predictionsOut()) || topic.equals(topics.deadLetters());
    }

    private boolean historyCaughtUp() {
        var history = assigned.stream().filter(p -> !isLive(p.topic())).toList();
        try {
            for (var entry : consumer.endOffsets(history, Duration.ofSeconds(1)).entrySet()) {
                if (consumer.position(entry.getKey(), Duration.ofSeconds(1)) < entry.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return false;
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record, long readAt) {
        String topic = record.topic();
        try {
            if (topic.equals(topics.predictionsOut())) {
                if (record.value() == null) {
                    return;
                }
                PredictionFacts facts = PredictionFacts.read(record.value());
                listener.prediction(facts, record.timestamp(), readAt);
                if (decodedWhole.test(facts.id())) {
                    listener.wholePrediction(predictions.deserialize(topic, record.value()), readAt);
                }
            } else if (topic.equals(topics.deadLetters())) {
                String code = DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.ERROR_CODE);
                String message = DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.ERROR_MESSAGE);
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                listener.deadLetter(key, code == null ? "UNKNOWN" : code, message, record.timestamp(), readAt);
            } else if (topic.equals(topics.modelSnapshots())) {
                if (record.value() != null) {
                    listener.snapshot(
                            record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                            record.value(),
                            record.timestamp());
                }
            } else if (topic.equals(topics.modelDecisions())) {
                ModelDecision decision = decisions.deserialize(topic, record.value());
                if (decision != null) {
                    listener.decision(decision);
                }
            } else if (topic.equals(topics.accuracyOut())) {
                AccuracyReport report = reports.deserialize(topic, record.value());
                if (report != null) {
                    listener.accuracy(report);
                }
            }
        } catch (RuntimeException | java.io.IOException e) {
            // a record of the wrong shape is the writer's problem; the page goes on
            if (unreadable.incrementAndGet() == 1 || log.isDebugEnabled()) {
                log.warn(
                        "Skipping a record the console cannot read on {}-{} at offset {}: {}",
                        topic,
                        record.partition(),
                        record.offset(),
                        e.getMessage());
            }
        }
    }

    /** Stops reading; returns once the thread has ended or after a bounded wait. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis() + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
