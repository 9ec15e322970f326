package io.digitstream.schemas.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.topic.TopicSpecs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.apache.kafka.common.header.Headers;

/**
 * Reads and writes the JSON form of {@link ImageEvent}, and reads a record in either form. Reading untrusted bytes never throws:
 * every way an event can be wrong maps to an {@link ErrorCode} and a sentence naming the problem.
 * Unknown fields are ignored.
 */
public final class ImageEventCodec {
    static final String ID = "id";
    static final String PIXELS = "pixels";
    static final String IMAGE = "image";
    static final String LABEL = "label";
    static final String SENT_AT = "sentAt";

    /** A parser that refuses a field named twice: which one counts would be the parser's choice, not the sender's. */
    private static final com.fasterxml.jackson.core.JsonFactory STRICT =
            Json.MAPPER.getFactory().copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ImageEventCodec() {}

    /** Whether anything but white space follows the value the parser has just read. */
    private static boolean followedByMore(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (IOException e) {
            return true; // something that is not even JSON follows
        }
    }

    /**
     * A record of {@code digits-in} in either form: binary when it carries the {@link
     * BinaryImageEvents#ENCODING} header, JSON otherwise.
     */
    public static Decoded<ImageEvent> decode(String key, Headers headers, byte[] value) {
        return BinaryImageEvents.isBinary(headers) ? BinaryImageEvents.decode(key, headers, value) : decode(key, value);
    }

    /** Checks the record as a whole: key present and equal to the event's id. */
    public static Decoded<ImageEvent> decode(String key, byte[] value) {
        if (value == null) {
            return Decoded.invalid(ErrorCode.NULL_VALUE, "the record has a null value (a tombstone?)");
        }
        if (key == null) {
            return Decoded.invalid(ErrorCode.MISSING_KEY, "the record has no key; send the image id as the key");
        }
        return decode(value)
                .flatMap(event -> key.equals(event.id())
                        ? Decoded.valid(event)
                        : Decoded.invalid(
                                ErrorCode.KEY_MISMATCH,
                                "the record key '" + abbreviate(key) + "' differs from the event id '"
                                        + abbreviate(event.id()) + "'"));
    }

    public static Decoded<ImageEvent> decode(byte[] value) {
        if (value == null) {
            return Decoded.invalid(ErrorCode.NULL_VALUE, "the record has a null value (a tombstone?)");
        }
        ImageEvent canonical = decodeCanonical(value);
        return canonical != null ? Decoded.valid(canonical) : decodeTree(value);
    }

    /**
     * The fast path, for the form producers send: an object with a string id, base64 pixels and
     * optional integer label and sentAt. It streams the fields and decodes the base64 in place,
     * with no tree and no string copy (the tree cost the stream thread about a tenth of its
     * time). Anything else, including every error, returns null and goes the tree's way, which
     * alone decides what is valid and what the reason is.
     */
    static ImageEvent decodeCanonical(byte[] value) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(value)) {
            // every field at most once, unknown and nested ones too: a repeat throws, and the tree
            // names it
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            byte[] grey = null;
            Integer label = null;
            Long sentAt = null;
            int seen = 0;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken valueToken = parser.nextToken();
                int bit;
                switch (field) {
                    case ID -> {
                        bit = 1;
                        if (valueToken != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        id = parser.getText();
                    }
                    case PIXELS -> {
                        bit = 2;
                        if (valueToken != JsonToken.VALUE_STRING || (grey = base64InPlace(parser, value)) == null) {
                            return null;
                        }
                    }
                    case LABEL -> {
                        bit = 4;
                        if (valueToken != JsonToken.VALUE_NUMBER_INT
                                || parser.getNumberType() != JsonParser.NumberType.INT
                                || parser.getIntValue() < 0
                                || parser.getIntValue() > 9) {
                            return null;
                        }
                        label = parser.getIntValue();
                    }
                    case SENT_AT -> {
                        bit = 8;
                        if (valueToken != JsonToken.VALUE_NUMBER_INT
                                || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                || parser.getLongValue() < 0) {
                            return null;
                        }
                        sentAt = parser.getLongValue();
                    }
                    case IMAGE -> {
                        return null;
                    }
                    default -> {
                        bit = 0;
                        parser.skipChildren();
                    }
                }
                if ((seen & bit) != 0) {
                    return null; // a repeated field: the tree knows which one wins
                }
                seen |= bit;
            }
            if (token != JsonToken.END_OBJECT
                    || parser.nextToken() != null
                    || id == null
                    || id.isEmpty()
                    || id.length() > ImageEvent.MAX_ID_LENGTH
                    || grey == null) {
                return null;
            }
            return new ImageEvent(id, new Image.Pixels(grey), label, sentAt);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The current string token's base64, decoded straight from the record's bytes; null unless
     * it is exactly 784 pixels written without JSON escapes.
     */
    private static byte[] base64InPlace(JsonParser parser, byte[] value) throws IOException {
        long quote = parser.currentTokenLocation().getByteOffset();
        int length = parser.getTextLength();
        if (quote < 0
                || quote + length + 1 >= value.length
                || value[(int) quote] != '"'
                || value[(int) quote + length + 1] != '"') {
            return null; // escapes made the text shorter than its bytes, or no byte offsets
        }
        java.nio.ByteBuffer decoded;
        try {
            decoded = Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(value, (int) quote + 1, length));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (decoded.remaining() != Mnist.PIXELS) {
            return null;
        }
        byte[] grey = new byte[Mnist.PIXELS];
        decoded.get(grey);
        return grey;
    }

    /** The reference decoder: every form the contract allows, and a reason for everything else. */
    static Decoded<ImageEvent> decodeTree(byte[] value) {
        JsonNode root;
        try (JsonParser parser = STRICT.createParser(value)) {
            try {
                root = Json.MAPPER.readTree(parser);
            } catch (IOException e) {
                String message = firstLine(e);
                return message.startsWith("Duplicate field")
                        ? Decoded.invalid(ErrorCode.DUPLICATE_FIELD, "a field appears twice: " + message)
                        : Decoded.invalid(ErrorCode.NOT_JSON, "the value is not valid JSON: " + message);
            }
            if (followedByMore(parser)) {
                return Decoded.invalid(
                        ErrorCode.TRAILING_CONTENT, "the event is one JSON object and nothing else; more follows it");
            }
        } catch (IOException e) {
            return Decoded.invalid(ErrorCode.NOT_JSON, "the value is not valid JSON: " + firstLine(e));
        }
        if (root == null || !root.isObject()) {
            return Decoded.invalid(
                    ErrorCode.NOT_AN_OBJECT,
                    "the value must be a JSON object, not "
                            + (root == null
                                    ? "empty"
                                    : root.getNodeType().name().toLowerCase()));
        }

        JsonNode idNode = root.get(ID);
        if (idNode == null || idNode.isNull()) {
            return Decoded.invalid(ErrorCode.MISSING_FIELD, "the required field 'id' is missing");
        }
        if (!idNode.isTextual()) {
            return Decoded.invalid(ErrorCode.WRONG_TYPE, "'id' must be a string, not " + typeOf(idNode));
        }
        String id = idNode.textValue();
        if (id.isEmpty()) {
            return Decoded.invalid(ErrorCode.EMPTY_ID, "'id' must not be empty");
        }
        if (id.length() > ImageEvent.MAX_ID_LENGTH) {
            return Decoded.invalid(
                    ErrorCode.ID_TOO_LONG,
                    "'id' has " + id.length() + " characters; at most " + ImageEvent.MAX_ID_LENGTH + " are allowed");
        }

        Decoded<Integer> label = readLabel(root.get(LABEL));
        if (label instanceof Decoded.Invalid<Integer> invalid) {
            return invalid.retype();
        }
        Decoded<Long> sentAt = readSentAt(root.get(SENT_AT));
        if (sentAt instanceof Decoded.Invalid<Long> invalid) {
            return invalid.retype();
        }
        Integer labelValue = label instanceof Decoded.Valid<Integer> v ? v.value() : null;
        Long sentAtValue = sentAt instanceof Decoded.Valid<Long> v ? v.value() : null;

        return readImage(root.get(PIXELS), root.get(IMAGE))
                .map(image -> new ImageEvent(id, image, labelValue, sentAtValue));
    }

    public static byte[] encode(ImageEvent event) {
        var out = new ByteArrayOutputStream(1200);
        try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField(ID, event.id());
            if (event.image() instanceof Image.Pixels pixels) {
                gen.writeBinaryField(PIXELS, pixels.grey());
            } else {
                gen.writeBinaryField(IMAGE, ((Image.Encoded) event.image()).bytes());
            }
            if (event.label() != null) {
                gen.writeNumberField(LABEL, event.label());
            }
            if (event.sentAt() != null) {
                gen.writeNumberField(SENT_AT, event.sentAt());
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Decoded<Image> readImage(JsonNode pixels, JsonNode image) {
        boolean hasPixels = pixels != null && !pixels.isNull();
        boolean hasImage = image != null && !image.isNull();
        if (hasPixels && hasImage) {
            return Decoded.invalid(ErrorCode.AMBIGUOUS_IMAGE, "give either 'pixels' or 'image', not both");
        }
        if (!hasPixels && !hasImage) {
            return Decoded.invalid(
                    ErrorCode.NO_IMAGE, "the event needs 'pixels' (784 grey values) or 'image' (base64 PNG/JPEG)");
        }
        return hasPixels ? readPixels(pixels) : readEncoded(image);
    }

    private static Decoded<Image> readPixels(JsonNode node) {
        if (node.isTextual()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(node.textValue());
            } catch (IllegalArgumentException e) {
                return Decoded.invalid(
                        ErrorCode.BAD_BASE64, "'pixels' is a string but not valid base64: " + e.getMessage());
            }
            if (bytes.length != Mnist.PIXELS) {
                return Decoded.invalid(
                        ErrorCode.BAD_PIXEL_COUNT,
                        "'pixels' decodes to " + bytes.length + " bytes; expected " + Mnist.PIXELS + " (28x28)");
            }
            return Decoded.valid(new Image.Pixels(bytes));
        }
        if (!node.isArray()) {
            return Decoded.invalid(
                    ErrorCode.WRONG_TYPE,
                    "'pixels' must be an array of 784 integers or a base64 string, not " + typeOf(node));
        }
        if (node.size() != Mnist.PIXELS) {
            return Decoded.invalid(
                    ErrorCode.BAD_PIXEL_COUNT,
                    "'pixels' has " + node.size() + " values; expected " + Mnist.PIXELS + " (28x28)");
        }
        byte[] grey = new byte[Mnist.PIXELS];
        for (int i = 0; i < Mnist.PIXELS; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber()) {
                return Decoded.invalid(
                        ErrorCode.WRONG_TYPE, "pixel " + i + " must be an integer 0..255, not " + typeOf(v));
            }
            if (!v.canConvertToInt() || v.intValue() < 0 || v.intValue() > 255) {
                return Decoded.invalid(
                        ErrorCode.PIXEL_OUT_OF_RANGE, "pixel " + i + " is " + v.asText() + "; values must be 0..255");
            }
            grey[i] = (byte) v.intValue();
        }
        return Decoded.valid(new Image.Pixels(grey));
    }

    private static Decoded<Image> readEncoded(JsonNode node) {
        if (!node.isTextual()) {
            return Decoded.invalid(ErrorCode.WRONG_TYPE, "'image' must be a base64 string, not " + typeOf(node));
        }
        String text = node.textValue();
        // base64 is 4/3 the size: refuse before allocating the decoded copy
        long decodedSize = (long) text.length() * 3 / 4;
        if (decodedSize > TopicSpecs.MAX_ENCODED_IMAGE_BYTES) {
            return Decoded.invalid(
                    ErrorCode.IMAGE_TOO_LARGE,
                    "'image' is about " + decodedSize + " bytes; the limit is " + TopicSpecs.MAX_ENCODED_IMAGE_BYTES);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return Decoded.invalid(ErrorCode.BAD_BASE64, "'image' is not valid base64: " + e.getMessage());
        }
        if (bytes.length == 0) {
            return Decoded.invalid(ErrorCode.UNDECODABLE_IMAGE, "'image' is empty");
        }
        return Decoded.valid(new Image.Encoded(bytes));
    }

    private static Decoded<Integer> readLabel(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            return Decoded.invalid(ErrorCode.WRONG_TYPE, "'label' must be an integer 0..9, not " + typeOf(node));
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0 || node.intValue() > 9) {
            return Decoded.invalid(ErrorCode.BAD_LABEL, "'label' is " + node.asText() + "; it must be an integer 0..9");
        }
        return Decoded.valid(node.intValue());
    }

    private static Decoded<Long> readSentAt(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            return Decoded.invalid(ErrorCode.WRONG_TYPE, "'sentAt' must be epoch milliseconds, not " + typeOf(node));
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            return Decoded.invalid(
                    ErrorCode.BAD_TIMESTAMP, "'sentAt' is " + node.asText() + "; it must be a non-negative integer");
        }
        return Decoded.valid(node.longValue());
    }

    private static String typeOf(JsonNode node) {
        return node.getNodeType().name().toLowerCase();
    }

    private static String firstLine(IOException e) {
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return message == null
                ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
