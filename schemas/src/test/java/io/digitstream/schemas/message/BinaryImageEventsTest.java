package io.digitstream.schemas.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class BinaryImageEventsTest {
    private static final byte[] PIXELS = new byte[Mnist.PIXELS];

    static {
        PIXELS[400] = (byte) 255;
    }

    private static Headers headers(String... nameValue) {
        var headers = new RecordHeaders();
        for (int i = 0; i < nameValue.length; i += 2) {
            headers.add(nameValue[i], nameValue[i + 1].getBytes(StandardCharsets.US_ASCII));
        }
        return headers;
    }

    private static ErrorCode code(Decoded<ImageEvent> decoded) {
        return ((Decoded.Invalid<ImageEvent>) decoded).code();
    }

    @Test
    void pixelsAndAnImageRoundTripThroughTheSerializerAndTheCodec() {
        var serializer = MessageSerdes.imageEvent(ImageEventEncoding.BINARY).serializer();
        for (ImageEvent event : new ImageEvent[] {
            new ImageEvent("a", new Image.Pixels(PIXELS), 7, 1_764_336_000_000L),
            new ImageEvent("b", new Image.Encoded(new byte[] {1, 2, 3}), null, null)
        }) {
            var headers = new RecordHeaders();
            byte[] value = serializer.serialize("digits-in", headers, event);

            assertThat(value).hasSize(event.image() instanceof Image.Pixels ? Mnist.PIXELS : 3);
            assertThat(BinaryImageEvents.isBinary(headers)).isTrue();
            assertThat(ImageEventCodec.decode(event.id(), headers, value).orElseThrow())
                    .isEqualTo(event);
        }
    }

    @Test
    void withoutTheEncodingHeaderARecordIsReadAsJson() {
        ImageEvent event = new ImageEvent("j", new Image.Pixels(PIXELS), 3, 5L);
        assertThat(ImageEventCodec.decode("j", new RecordHeaders(), ImageEventCodec.encode(event))
                        .orElseThrow())
                .isEqualTo(event);
        assertThatThrownBy(() -> MessageSerdes.imageEvent(ImageEventEncoding.BINARY)
                        .serializer()
                        .serialize("digits-in", event))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyWayABinaryRecordCanBeWrongHasItsCode() {
        String pixels = BinaryImageEvents.PIXELS;
        String enc = BinaryImageEvents.ENCODING;
        assertThat(code(BinaryImageEvents.decode("k", headers(enc, "webp"), PIXELS)))
                .isEqualTo(ErrorCode.UNKNOWN_ENCODING);
        assertThat(code(BinaryImageEvents.decode("k", headers(enc, pixels), new byte[783])))
                .isEqualTo(ErrorCode.BAD_PIXEL_COUNT);
        assertThat(code(BinaryImageEvents.decode("k", headers(enc, "image"), new byte[0])))
                .isEqualTo(ErrorCode.NO_IMAGE);
        assertThat(code(BinaryImageEvents.decode("k", headers(enc, pixels, BinaryImageEvents.LABEL, "10"), PIXELS)))
                .isEqualTo(ErrorCode.BAD_LABEL);
        assertThat(code(BinaryImageEvents.decode("k", headers(enc, pixels, BinaryImageEvents.SENT_AT, "-5"), PIXELS)))
                .isEqualTo(ErrorCode.BAD_TIMESTAMP);
        assertThat(code(BinaryImageEvents.decode("k", headers(enc, pixels, BinaryImageEvents.SENT_AT, "soon"), PIXELS)))
                .isEqualTo(ErrorCode.BAD_TIMESTAMP);
        assertThat(code(BinaryImageEvents.decode("k", headers(enc, pixels, enc, pixels), PIXELS)))
                .isEqualTo(ErrorCode.DUPLICATE_FIELD);
        assertThat(code(BinaryImageEvents.decode(null, headers(enc, pixels), PIXELS)))
                .isEqualTo(ErrorCode.MISSING_KEY);
        assertThat(code(BinaryImageEvents.decode("", headers(enc, pixels), PIXELS)))
                .isEqualTo(ErrorCode.EMPTY_ID);
        assertThat(code(BinaryImageEvents.decode("x".repeat(257), headers(enc, pixels), PIXELS)))
                .isEqualTo(ErrorCode.ID_TOO_LONG);
        assertThat(code(BinaryImageEvents.decode("k", headers(enc, pixels), null)))
                .isEqualTo(ErrorCode.NULL_VALUE);
    }

    @Test
    void theDeserializerRefusesABinaryEventItCannotNameAndReadsJson() {
        var deserializer = MessageSerdes.imageEvent().deserializer();
        assertThatThrownBy(() ->
                        deserializer.deserialize("digits-in", headers(BinaryImageEvents.ENCODING, "pixels"), PIXELS))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("record key");
        ImageEvent event = new ImageEvent("j", new Image.Pixels(PIXELS), null, null);
        assertThat(deserializer.deserialize("digits-in", new RecordHeaders(), ImageEventCodec.encode(event)))
                .isEqualTo(event);
    }
}
