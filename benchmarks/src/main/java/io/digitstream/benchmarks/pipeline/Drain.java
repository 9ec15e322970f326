package io.digitstream.benchmarks.pipeline;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.schemas.message.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * What the drain saw: distinct ids, when the last came, each image's send, emission and read
     * times (epoch ms, in the order read; empty when not timed), each version's first sighting.
     */
    record Drained(
            int count,
            long lastNanos,
            long[] sentAtMs,
            long[] emittedAtMs,
            long[] readAtMs,
            Map<Long, Long> firstSeenMs) {}

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
     * The id prefix of one pass over the data set in a round: ids are this plus the image's index
     * in the data set ({@code Replayer}'s ids), so {@link #next} can tell images apart by number.
     */
    static String passPrefix(String roundPrefix, int pass) {
        return roundPrefix + "r" + pass + "-";
    }

    /**
     * Reads on until {@code images} distinct images of the round whose ids start with {@code
     * roundPrefix} came (sent in passes of {@code perPass} images, ids from {@link #passPrefix}),
     * or nothing new came for 30 s; records of other rounds are passed over. Which images came is a
     * bit per image, not a set of their ids: a set held every id of the round, and the collector
     * copied those strings from survivor space to survivor space until the round ended (in a paced
     * round, most of what each young pause copied: the benchmark lengthening the pauses it reports).
     * It reads only the three fields it needs with Jackson's streaming parser: decoding ten
     * probabilities per record made this benchmark's own consumer take as much CPU as the stream
     * thread. With {@code timed} false (the pass-through's constant values), latencies are not kept.
     */
    Drained next(String roundPrefix, int images, int perPass, boolean timed) {
        BitSet seen = new BitSet(images);
        int count = 0;
        Map<Long, Long> firstSeen = new HashMap<>();
        long[] sentAt = new long[images];
        long[] emittedAt = new long[images];
        long[] readAt = new long[images];
        long last = System.nanoTime();
        while (count < images && System.nanoTime() - last < QUIET_LIMIT.toNanos()) {
            var records = consumer.poll(Duration.ofMillis(20));
            long polledAt = System.currentTimeMillis();
            for (var record : records) {
                int image = imageNumber(record.key(), roundPrefix, perPass);
                if (image < 0 || image >= images || seen.get(image)) {
                    continue;
                }
                seen.set(image);
                count++;
                last = System.nanoTime();
                if (timed) {
                    long[] timing = timing(record.value());
                    firstSeen.putIfAbsent(timing[0], timing[2]);
                    sentAt[count - 1] = timing[1];
                    emittedAt[count - 1] = timing[2];
                    readAt[count - 1] = polledAt;
                }
            }
        }
        int kept = timed ? count : 0;
        return new Drained(
                count,
                last,
                Arrays.copyOf(sentAt, kept),
                Arrays.copyOf(emittedAt, kept),
                Arrays.copyOf(readAt, kept),
                firstSeen);
    }

    /**
     * The image's number in its round, {@code pass * perPass + index}, for an id made by {@link
     * #passPrefix} plus an index; -1 for any other key.
     */
    static int imageNumber(String key, String roundPrefix, int perPass) {
        if (key == null || !key.startsWith(roundPrefix)) {
            return -1;
        }
        int at = roundPrefix.length();
        if (at >= key.length() || key.charAt(at) != 'r') {
            return -1;
        }
        long pass = 0;
        int digits = 0;
        for (at++; at < key.length() && Character.isDigit(key.charAt(at)); at++, digits++) {
            pass = pass * 10 + (key.charAt(at) - '0');
        }
        if (digits == 0 || digits > 9 || at >= key.length() || key.charAt(at) != '-') {
            return -1;
        }
        long index = 0;
        digits = 0;
        for (at++; at < key.length() && Character.isDigit(key.charAt(at)); at++, digits++) {
            index = index * 10 + (key.charAt(at) - '0');
        }
        if (digits == 0 || digits > 9 || at != key.length() || index >= perPass) {
            return -1;
        }
        long number = pass * perPass + index;
        return number > Integer.MAX_VALUE ? -1 : (int) number;
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
