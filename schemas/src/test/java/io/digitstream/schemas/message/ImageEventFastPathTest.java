package io.digitstream.schemas.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.Mnist;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming fast path agrees with the tree decoder, and leaves it everything else. */
class ImageEventFastPathTest {
    private static final Random RANDOM = new Random(7);

    private static byte[] pixels(int fill) {
        byte[] grey = new byte[Mnist.PIXELS];
        if (fill < 0) {
            RANDOM.nextBytes(grey);
        } else {
            Arrays.fill(grey, (byte) fill);
        }
        return grey;
    }

    static Stream<ImageEvent> canonicalEvents() {
        return Stream.of(
                new ImageEvent("a", new Image.Pixels(pixels(-1)), 7, 1_700_000_000_000L),
                new ImageEvent("b-ü-😀", new Image.Pixels(pixels(-1)), null, null),
                new ImageEvent("c", new Image.Pixels(pixels(0)), 0, 0L),
                new ImageEvent("d", new Image.Pixels(pixels(255)), 9, Long.MAX_VALUE),
                new ImageEvent("e", new Image.Pixels(pixels(-1)), null, 12L));
    }

    @ParameterizedTest
    @MethodSource("canonicalEvents")
    void whatProducersSendTakesTheFastPathAndDecodesAsTheTreeDoes(ImageEvent event) {
        byte[] json = ImageEventCodec.encode(event);

        assertThat(ImageEventCodec.decodeCanonical(json)).isEqualTo(event);
        assertThat(ImageEventCodec.decodeTree(json)).isEqualTo(Decoded.valid(event));
    }

    @ParameterizedTest
    @MethodSource("canonicalEvents")
    void unknownFieldsAnywhereAreSkipped(ImageEvent event) {
        String json = new String(ImageEventCodec.encode(event), StandardCharsets.UTF_8);
        String padded =
                "{\"note\":{\"x\":[1,{\"y\":\"pixels\"}]}," + json.substring(1, json.length() - 1) + ",\"z\":null}";
        byte[] bytes = padded.getBytes(StandardCharsets.UTF_8);

        assertThat(ImageEventCodec.decodeCanonical(bytes)).isEqualTo(event);
        assertThat(ImageEventCodec.decodeTree(bytes)).isEqualTo(Decoded.valid(event));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // base64 with JSON escapes ("\/" is "/"): valid, but not decodable in place
                "{\"id\":\"k\",\"pixels\":\"ESCAPED\"}",
                // the other ways to send pixels
                "{\"id\":\"k\",\"pixels\":ARRAY}",
                "{\"id\":\"k\",\"image\":\"iVBORw0KGgo=\"}",
                // repeated fields, nulls, numbers the tree judges
                "{\"id\":\"k\",\"id\":\"k\",\"pixels\":\"B64\"}",
                "{\"id\":\"k\",\"pixels\":\"B64\",\"label\":null}",
                "{\"id\":\"k\",\"pixels\":\"B64\",\"label\":3.0}",
                "{\"id\":\"k\",\"pixels\":\"B64\",\"label\":12}",
                "{\"id\":\"k\",\"pixels\":\"B64\",\"sentAt\":-1}",
                "{\"id\":\"k\",\"pixels\":\"B64\",\"sentAt\":123456789012345678901234567890}",
                "{\"id\":\"k\",\"pixels\":\"B64\"} trailing",
                "{\"id\":\"k\",\"pixels\":\"B64\"",
                "{\"id\":\"\",\"pixels\":\"B64\"}",
                "{\"pixels\":\"B64\"}",
                "{\"id\":\"k\",\"pixels\":\"AAAA\"}",
                "{\"id\":\"k\",\"pixels\":\"not base64!\"}",
                "[1,2,3]",
                "",
            })
    void everythingElseIsLeftToTheTree(String template) {
        byte[] ones = pixels(255); // base64 of 0xFF bytes is all '/'
        String json = template.replace(
                        "ESCAPED", Base64.getEncoder().encodeToString(ones).replace("/", "\\/"))
                .replace("ARRAY", Arrays.toString(new int[Mnist.PIXELS]))
                .replace("B64", Base64.getEncoder().encodeToString(pixels(-1)));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        assertThat(ImageEventCodec.decodeCanonical(bytes)).isNull();
        assertThat(ImageEventCodec.decode(bytes)).isEqualTo(ImageEventCodec.decodeTree(bytes));
    }
}
