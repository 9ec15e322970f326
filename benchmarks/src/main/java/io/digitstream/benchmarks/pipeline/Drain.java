package io.digitstream.benchmarks.pipeline;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.schemas.message.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The benchmark's reader of predictions-out, one per session; it also counts what a topic holds. */
final class Drain implements AutoCloseable {
    private static final Duration QUIET_LIMIT = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;

    private Drain(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    /**
     * What the drain saw: distinct ids, when the last came, each one's latency (sent to emitted,
     * and sent to read here; sorted), each version's first sighting.
     */
    record Drained(
            int count, long lastNanos, long[] latenciesMs, long[] readLatenciesMs, Map<Long, Long> firstSeenMs) {}

    /** A reader of every partition of {@code topic} from its beginning, outside any consumer group. */
    static Drain open(KafkaConnection cluster, String topic) {
        var consumer = new KafkaConsumer<>(
                cluster.clientConfig(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return new Drain(consumer);
    }

    /**
     * Reads on until {@code images} distinct keys starting with {@code idPrefix} came (one round's
     * images), or nothing new came for 30 s; records of other rounds are passed over. It reads only
     * the three fields it needs with Jackson's streaming parser: decoding ten probabilities per
     * record made this benchmark's own consumer take as much CPU as the stream thread. With
     * {@code timed} false (the pass-through's constant values), latencies are not kept.
     */
    Drained next(String idPrefix, int images, boolean timed) {
        Set<String> ids = new HashSet<>();
        Map<Long, Long> firstSeen = new HashMap<>();
        long[] latencies = new long[images];
        long[] readLatencies = new long[images];
        long last = System.nanoTime();
        while (ids.size() < images && System.nanoTime() - last < QUIET_LIMIT.toNanos()) {
            var records = consumer.poll(Duration.ofMillis(20));
            long readAt = System.currentTimeMillis();
            for (var record : records) {
                if (record.key() == null
                        || !record.key().startsWith(idPrefix)
                        || !ids.add(record.key())
                        || ids.size() > images) {
                    continue;
                }
                last = System.nanoTime();
                if (timed) {
                    long[] timing = timing(record.value());
                    firstSeen.putIfAbsent(timing[0], timing[2]);
                    latencies[ids.size() - 1] = timing[2] - timing[1];
                    readLatencies[ids.size() - 1] = readAt - timing[1];
                }
            }
        }
        int count = Math.min(ids.size(), images);
        long[] seen = timed ? Arrays.copyOf(latencies, count) : new long[0];
        long[] read = timed ? Arrays.copyOf(readLatencies, count) : new long[0];
        Arrays.sort(seen);
        Arrays.sort(read);
        return new Drained(count, last, seen, read, firstSeen);
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** modelVersion, sentAt and emittedAt of a Prediction, other fields skipped unparsed. */
    private static long[] timing(byte[] prediction) {
        long[] timing = new long[3];
        try (var parser = Json.MAPPER.getFactory().createParser(prediction)) {
            parser.nextToken();
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "modelVersion" -> timing[0] = parser.getLongValue();
                    case "sentAt" -> timing[1] = parser.getLongValue();
                    case "emittedAt" -> timing[2] = parser.getLongValue();
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("not a prediction: " + e.getMessage(), e);
        }
        return timing;
    }

    /** Records written to {@code topic} so far, summed over its partitions (this reader's connection; any topic). */
    long endOffsets(String topic) {
        var partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        return consumer.endOffsets(partitions).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
