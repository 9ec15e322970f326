package io.digitstream.schemas.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way an event or a snapshot can be wrong yields its own code and a sentence, never an exception. */
class MalformedInputTest {

    private static String ints(int count, int value) {
        return IntStream.range(0, count)
                .mapToObj(i -> Integer.toString(value))
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static String pixelsWith(int index, String value) {
        String[] values = new String[Mnist.PIXELS];
        Arrays.fill(values, "0");
        values[index] = value;
        return "[" + String.join(",", values) + "]";
    }

    private static String base64(int bytes) {
        return Base64.getEncoder().encodeToString(new byte[bytes]);
    }

    static Stream<Arguments> malformedEvents() {
        String good = ints(784, 0);
        return Stream.of(
                Arguments.of("not JSON", "key", "this is not json", ErrorCode.NOT_JSON),
                Arguments.of("truncated JSON", "key", "{\"id\":\"key\",\"pixels\":[1,2", ErrorCode.NOT_JSON),
                Arguments.of("a JSON array", "key", "[1,2,3]", ErrorCode.NOT_AN_OBJECT),
                Arguments.of("a JSON string", "key", "\"hello\"", ErrorCode.NOT_AN_OBJECT),
                Arguments.of("no id", "key", "{\"pixels\":" + good + "}", ErrorCode.MISSING_FIELD),
                Arguments.of("numeric id", "key", "{\"id\":5,\"pixels\":" + good + "}", ErrorCode.WRONG_TYPE),
                Arguments.of("empty id", "", "{\"id\":\"\",\"pixels\":" + good + "}", ErrorCode.EMPTY_ID),
                Arguments.of("no image at all", "key", "{\"id\":\"key\"}", ErrorCode.NO_IMAGE),
                Arguments.of(
                        "pixels and image",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + ",\"image\":\"AAAA\"}",
                        ErrorCode.AMBIGUOUS_IMAGE),
                Arguments.of(
                        "783 pixels",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + ints(783, 0) + "}",
                        ErrorCode.BAD_PIXEL_COUNT),
                Arguments.of(
                        "785 pixels",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + ints(785, 0) + "}",
                        ErrorCode.BAD_PIXEL_COUNT),
                Arguments.of(
                        "pixel 256",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + pixelsWith(17, "256") + "}",
                        ErrorCode.PIXEL_OUT_OF_RANGE),
                Arguments.of(
                        "pixel -1",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + pixelsWith(0, "-1") + "}",
                        ErrorCode.PIXEL_OUT_OF_RANGE),
                Arguments.of(
                        "pixel 1.5",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + pixelsWith(3, "1.5") + "}",
                        ErrorCode.WRONG_TYPE),
                Arguments.of(
                        "pixel as string",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + pixelsWith(3, "\"9\"") + "}",
                        ErrorCode.WRONG_TYPE),
                Arguments.of("pixels an object", "key", "{\"id\":\"key\",\"pixels\":{}}", ErrorCode.WRONG_TYPE),
                Arguments.of(
                        "pixels bad base64",
                        "key",
                        "{\"id\":\"key\",\"pixels\":\"@@not base64@@\"}",
                        ErrorCode.BAD_BASE64),
                Arguments.of(
                        "base64 of 783 bytes",
                        "key",
                        "{\"id\":\"key\",\"pixels\":\"" + base64(783) + "\"}",
                        ErrorCode.BAD_PIXEL_COUNT),
                Arguments.of("image bad base64", "key", "{\"id\":\"key\",\"image\":\"%%%\"}", ErrorCode.BAD_BASE64),
                Arguments.of("image a number", "key", "{\"id\":\"key\",\"image\":12}", ErrorCode.WRONG_TYPE),
                Arguments.of(
                        "image over 4 MiB",
                        "key",
                        "{\"id\":\"key\",\"image\":\"" + base64(5 * 1024 * 1024) + "\"}",
                        ErrorCode.IMAGE_TOO_LARGE),
                Arguments.of(
                        "label 10",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + ",\"label\":10}",
                        ErrorCode.BAD_LABEL),
                Arguments.of(
                        "label -1",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + ",\"label\":-1}",
                        ErrorCode.BAD_LABEL),
                Arguments.of(
                        "label 2.5",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + ",\"label\":2.5}",
                        ErrorCode.BAD_LABEL),
                Arguments.of(
                        "label as string",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + ",\"label\":\"3\"}",
                        ErrorCode.WRONG_TYPE),
                Arguments.of(
                        "negative sentAt",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + ",\"sentAt\":-5}",
                        ErrorCode.BAD_TIMESTAMP),
                Arguments.of("null key", null, "{\"id\":\"key\",\"pixels\":" + good + "}", ErrorCode.MISSING_KEY),
                Arguments.of(
                        "key differs from id",
                        "other",
                        "{\"id\":\"key\",\"pixels\":" + good + "}",
                        ErrorCode.KEY_MISMATCH),
                Arguments.of("null value", "key", null, ErrorCode.NULL_VALUE),
                // strict input: one object and nothing else, each field once, an id of bounded length
                Arguments.of(
                        "a second object after the event",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + "}{\"id\":\"key\"}",
                        ErrorCode.TRAILING_CONTENT),
                Arguments.of(
                        "garbage after the event",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + "} trailing",
                        ErrorCode.TRAILING_CONTENT),
                Arguments.of(
                        "the id twice",
                        "key",
                        "{\"id\":\"key\",\"pixels\":" + good + ",\"id\":\"other\"}",
                        ErrorCode.DUPLICATE_FIELD),
                Arguments.of(
                        "the label twice",
                        "key",
                        "{\"id\":\"key\",\"label\":1,\"pixels\":" + good + ",\"label\":7}",
                        ErrorCode.DUPLICATE_FIELD),
                Arguments.of(
                        "an unknown field twice, in the form the fast path reads",
                        "key",
                        "{\"id\":\"key\",\"pixels\":\"" + base64(784) + "\",\"note\":1,\"note\":2}",
                        ErrorCode.DUPLICATE_FIELD),
                Arguments.of(
                        "an id longer than allowed",
                        "k".repeat(ImageEvent.MAX_ID_LENGTH + 1),
                        "{\"id\":\"" + "k".repeat(ImageEvent.MAX_ID_LENGTH + 1) + "\",\"pixels\":" + good + "}",
                        ErrorCode.ID_TOO_LONG));
    }

    @Test
    void whiteSpaceAfterTheEventAndAnIdOfTheMaximumLengthAreFine() {
        String id = "k".repeat(ImageEvent.MAX_ID_LENGTH);
        String event = "{\"id\":\"" + id + "\",\"pixels\":" + ints(784, 0) + "}\n  ";

        assertThat(ImageEventCodec.decode(id, event.getBytes(StandardCharsets.UTF_8))
                        .isValid())
                .isTrue();
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("malformedEvents")
    void malformedEventsYieldTheirCode(String name, String key, String value, ErrorCode expected) {
        byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);

        Decoded<ImageEvent> decoded = ImageEventCodec.decode(key, bytes);

        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        var invalid = (Decoded.Invalid<ImageEvent>) decoded;
        assertThat(invalid.code()).isEqualTo(expected);
        assertThat(invalid.reason()).isNotBlank().doesNotContain("Exception");
    }

    static Stream<Arguments> malformedSnapshots() {
        byte[] good = SnapshotCodec.encodeUnsigned(MessageRoundTripTest.snapshot(new byte[] {9, 8, 7, 6, 5, 4}));

        byte[] wrongChecksum = good.clone();
        wrongChecksum[wrongChecksum.length - 5] ^= 0x01; // the payload's last byte, before the empty signature block

        byte[] unknownVersion = good.clone();
        unknownVersion[5] = 9;

        byte[] deeplearning4jEra = good.clone(); // format 2 had format 3's layout, with a zip inside
        deeplearning4jEra[5] = 2;

        byte[] badMagic = good.clone();
        badMagic[0] = 'X';

        byte[] hugeHeader = good.clone();
        ByteBuffer.wrap(hugeHeader).putInt(6, Integer.MAX_VALUE);

        byte[] notJsonHeader = good.clone();
        notJsonHeader[10] = '#';

        byte[] trailing = Arrays.copyOf(good, good.length + 3);

        return Stream.of(
                Arguments.of("empty", new byte[0], ErrorCode.TRUNCATED_SNAPSHOT),
                Arguments.of(
                        "truncated in the payload", Arrays.copyOf(good, good.length - 6), ErrorCode.TRUNCATED_SNAPSHOT),
                Arguments.of(
                        "truncated in the signature block",
                        Arrays.copyOf(good, good.length - 2),
                        ErrorCode.TRUNCATED_SNAPSHOT),
                Arguments.of("truncated in the header", Arrays.copyOf(good, 30), ErrorCode.TRUNCATED_SNAPSHOT),
                Arguments.of("truncated in the preamble", Arrays.copyOf(good, 7), ErrorCode.TRUNCATED_SNAPSHOT),
                Arguments.of("wrong checksum", wrongChecksum, ErrorCode.CHECKSUM_MISMATCH),
                Arguments.of("unknown envelope version", unknownVersion, ErrorCode.UNKNOWN_FORMAT_VERSION),
                Arguments.of("a Deeplearning4j-era envelope", deeplearning4jEra, ErrorCode.RETIRED_SNAPSHOT_FORMAT),
                Arguments.of("bad magic", badMagic, ErrorCode.BAD_MAGIC),
                Arguments.of("absurd header length", hugeHeader, ErrorCode.BAD_HEADER),
                Arguments.of("header not JSON", notJsonHeader, ErrorCode.BAD_HEADER),
                Arguments.of("bytes after the signature block", trailing, ErrorCode.BAD_HEADER),
                Arguments.of("null", null, ErrorCode.NULL_VALUE));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("malformedSnapshots")
    void malformedSnapshotsYieldTheirCode(String name, byte[] bytes, ErrorCode expected) {
        var decoded = SnapshotCodec.decode(bytes, SnapshotTrust.unchecked());

        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        assertThat(((Decoded.Invalid<?>) decoded).code()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedEvents")
    void theSerdeTurnsBadEventsIntoSerializationExceptionsNamingTheCode(
            String name, String key, String value, ErrorCode expected) {
        if (value == null || key == null || !key.equals("key") || expected == ErrorCode.KEY_MISMATCH) {
            return; // record-level checks belong to the classifier, not to a value deserializer
        }
        var deserializer =
                io.digitstream.schemas.message.MessageSerdes.imageEvent().deserializer();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> deserializer.deserialize("digits-in", value.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                .hasMessageContaining(expected.name());
    }

    @org.junit.jupiter.api.Test
    void aValidEventStillDecodes() {
        var event = new ImageEvent("key", new Image.Pixels(new byte[784]), 1, 5L);
        assertThat(ImageEventCodec.decode("key", ImageEventCodec.encode(event))).isEqualTo(Decoded.valid(event));
    }
}
