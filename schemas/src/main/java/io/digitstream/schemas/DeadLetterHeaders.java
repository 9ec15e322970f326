package io.digitstream.schemas;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * Headers on a dead-letter record. The record keeps the original key and value bytes
 * untouched; these headers say why it was refused and where it came from. A record too large to
 * go to the dead-letter topic whole keeps the start of its value only ({@link DeadLetter}), and
 * says so with {@link #TRUNCATED} and {@link #ORIGINAL_VALUE_SIZE}.
 */
public final class DeadLetterHeaders {
    public static final String ERROR_CODE = "digitstream.error.code";
    public static final String ERROR_MESSAGE = "digitstream.error.message";
    public static final String SOURCE_TOPIC = "digitstream.source.topic";
    public static final String SOURCE_PARTITION = "digitstream.source.partition";
    public static final String SOURCE_OFFSET = "digitstream.source.offset";
    /** "true" when the value is only the start of the original (whose headers are then dropped). */
    public static final String TRUNCATED = "digitstream.truncated";
    /** The original value's size in bytes, on a truncated dead letter. */
    public static final String ORIGINAL_VALUE_SIZE = "digitstream.original.value.size";

    private DeadLetterHeaders() {}

    public static void write(
            Headers headers,
            ErrorCode code,
            String message,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        headers.remove(ERROR_CODE).add(ERROR_CODE, utf8(code.name()));
        headers.remove(ERROR_MESSAGE).add(ERROR_MESSAGE, utf8(message));
        headers.remove(SOURCE_TOPIC).add(SOURCE_TOPIC, utf8(String.valueOf(sourceTopic)));
        headers.remove(SOURCE_PARTITION).add(SOURCE_PARTITION, utf8(Integer.toString(sourcePartition)));
        headers.remove(SOURCE_OFFSET).add(SOURCE_OFFSET, utf8(Long.toString(sourceOffset)));
    }

    /** The value of the last header with this name, or null. */
    public static String read(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
