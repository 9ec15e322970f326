package io.digitstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    private static final int LIMIT = 10_000;

    private static DeadLetter of(byte[] key, byte[] value, RecordHeaders headers) {
        return DeadLetter.of(key, value, headers, ErrorCode.NOT_JSON, "not json", "digits-in", 2, 41L, LIMIT);
    }

    private static String header(DeadLetter letter, String name) {
        return DeadLetterHeaders.read(letter.headers(), name);
    }

    @Test
    void aDeadLetterThatFitsKeepsTheOriginalKeyValueAndHeaders() {
        var headers = new RecordHeaders();
        headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        byte[] value = new byte[LIMIT / 2];

        DeadLetter letter = of("id-1".getBytes(StandardCharsets.UTF_8), value, headers);

        assertThat(letter.value()).isSameAs(value);
        assertThat(header(letter, "trace")).isEqualTo("abc");
        assertThat(header(letter, DeadLetterHeaders.ERROR_CODE)).isEqualTo("NOT_JSON");
        assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("41");
        assertThat(header(letter, DeadLetterHeaders.TRUNCATED)).isNull();
    }

    @Test
    void aValueAtTheLimitIsCutSoTheWholeDeadLetterFitsAndSaysSo() {
        byte[] value = new byte[LIMIT];
        value[0] = 7;

        DeadLetter letter = of("id-2".getBytes(StandardCharsets.UTF_8), value, new RecordHeaders());

        assertThat(letter.contentBytes()).isLessThanOrEqualTo(LIMIT);
        assertThat(letter.value()).hasSizeLessThan(LIMIT).startsWith((byte) 7);
        assertThat(header(letter, DeadLetterHeaders.TRUNCATED)).isEqualTo("true");
        assertThat(header(letter, DeadLetterHeaders.ORIGINAL_VALUE_SIZE)).isEqualTo(Integer.toString(LIMIT));
        assertThat(header(letter, DeadLetterHeaders.ERROR_CODE)).isEqualTo("NOT_JSON");
        assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("digits-in");
        assertThat(header(letter, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("2");
        assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("41");
    }

    @Test
    void hugeHeadersOrAHugeKeyAreDroppedOrCutToo() {
        var headers = new RecordHeaders();
        for (int i = 0; i < 1_000; i++) {
            headers.add("h" + i, new byte[20]);
        }
        DeadLetter manyHeaders = of("id".getBytes(StandardCharsets.UTF_8), new byte[10], headers);
        assertThat(manyHeaders.contentBytes()).isLessThanOrEqualTo(LIMIT);
        assertThat(header(manyHeaders, "h1")).isNull();
        assertThat(manyHeaders.value()).hasSize(10);

        DeadLetter hugeKey = of(new byte[LIMIT * 2], new byte[10], new RecordHeaders());
        assertThat(hugeKey.contentBytes()).isLessThanOrEqualTo(LIMIT);
        assertThat(hugeKey.key()).hasSize(1024);
    }

    @Test
    void theBoundLeavesRoomForFramingAndCompressionBelowTheTopicsLimit() {
        assertThat(DeadLetter.MAX_CONTENT_BYTES + 66 * 1024 + 64 * 1024)
                .isLessThan(io.digitstream.schemas.topic.TopicSpecs.MAX_IMAGE_RECORD_BYTES);
    }
}
