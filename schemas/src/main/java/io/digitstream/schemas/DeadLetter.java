package io.digitstream.schemas;

import io.digitstream.schemas.topic.TopicSpecs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A refused record as it goes to the dead-letter topic: the original key, value and headers with
 * {@link DeadLetterHeaders} saying why and where from; never larger than {@link #MAX_CONTENT_BYTES}.
 *
 * <p>A record on {@code digits-in} is bounded by the topic's {@code max.message.bytes} as the broker
 * stored it, compressed: a zstd batch of a few kilobytes may hold a record that decompresses to a
 * hundred megabytes. Copied whole, such a record (or one at exactly the limit, plus our headers)
 * is larger than the dead-letter topic accepts; the send fails, the stream thread is replaced and
 * meets the same record again, for ever. So a dead letter that would not fit carries the start of
 * the value instead, the original key and headers dropped if they alone are too large, and
 * {@link DeadLetterHeaders#ORIGINAL_VALUE_SIZE} and {@link DeadLetterHeaders#TRUNCATED} say so.
 */
public record DeadLetter(byte[] key, byte[] value, Headers headers) {

    /**
     * The most a dead letter's key, value and headers may hold together: the dead-letter topic's
     * limit less a margin for the record and batch framing and for lz4's worst-case expansion of
     * incompressible bytes (n/255 + 16: 66 KB at 16 MiB).
     */
    public static final int MAX_CONTENT_BYTES = TopicSpecs.MAX_IMAGE_RECORD_BYTES - 1024 * 1024;

    /** Per header, what its length fields may take beyond its key and value. */
    private static final int HEADER_FRAMING = 10;
    /** A key longer than this is truncated when the dead letter is; ids are at most 256 characters. */
    private static final int MAX_TRUNCATED_KEY_BYTES = 1024;

    public static DeadLetter of(
            byte[] key,
            byte[] value,
            Headers original,
            ErrorCode code,
            String reason,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        return of(key, value, original, code, reason, sourceTopic, sourcePartition, sourceOffset, MAX_CONTENT_BYTES);
    }

    static DeadLetter of(
            byte[] key,
            byte[] value,
            Headers original,
            ErrorCode code,
            String reason,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            int maxContentBytes) {
        Headers headers = new RecordHeaders(original == null ? new Header[0] : original.toArray());
        DeadLetterHeaders.write(headers, code, reason, sourceTopic, sourcePartition, sourceOffset);
        if (size(key) + size(value) + size(headers) <= maxContentBytes) {
            return new DeadLetter(key, value, headers);
        }
        // too large: the original headers go first (ours are rewritten on a clean set), then the key
        // is cut to an id's size, then the value to what is left
        Headers ours = new RecordHeaders();
        DeadLetterHeaders.write(ours, code, reason, sourceTopic, sourcePartition, sourceOffset);
        ours.add(DeadLetterHeaders.ORIGINAL_VALUE_SIZE, utf8(Integer.toString(size(value))));
        ours.add(DeadLetterHeaders.TRUNCATED, utf8("true"));
        byte[] keptKey = key == null || key.length <= MAX_TRUNCATED_KEY_BYTES
                ? key
                : Arrays.copyOf(key, MAX_TRUNCATED_KEY_BYTES);
        int room = Math.max(0, maxContentBytes - size(keptKey) - size(ours));
        byte[] keptValue = value == null ? null : Arrays.copyOf(value, Math.min(value.length, room));
        return new DeadLetter(keptKey, keptValue, ours);
    }

    /** Key, value and headers with their framing: at least what the producer counts. */
    public int contentBytes() {
        return size(key) + size(value) + size(headers);
    }

    private static int size(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static int size(Headers headers) {
        int total = 0;
        for (Header header : headers) {
            total += header.key().getBytes(StandardCharsets.UTF_8).length + size(header.value()) + HEADER_FRAMING;
        }
        return total;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
