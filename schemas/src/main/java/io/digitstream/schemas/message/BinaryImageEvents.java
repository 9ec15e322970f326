package io.digitstream.schemas.message;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.topic.TopicSpecs;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The binary form of an {@link ImageEvent} (specified in {@code schemas/image-event.binary.md}):
 * the record key is the id, as in the JSON form; the value is the image's own bytes, 784 grey
 * bytes or a PNG/JPEG; headers say which, and carry the optional label and send time as decimal
 * text (so kcat's {@code -H} writes them). Reading never throws: each way a record can be wrong is
 * an {@link ErrorCode}, as for JSON.
 */
public final class BinaryImageEvents {
    /** Required: {@link #PIXELS} or {@link #IMAGE}. Its presence is what makes a record binary. */
    public static final String ENCODING = "digitstream.encoding";
    /** Optional: the true digit, "0" to "9". */
    public static final String LABEL = "digitstream.label";
    /** Optional: epoch milliseconds when the producer sent it, in decimal. */
    public static final String SENT_AT = "digitstream.sent-at";

    /** The value is exactly 784 grey bytes, row-major, 0 = background, 255 = ink. */
    public static final String PIXELS = "pixels";
    /** The value is a PNG or JPEG of any size, brought to MNIST style by the classifier. */
    public static final String IMAGE = "image";

    private BinaryImageEvents() {}

    /** Whether a record is in the binary form (it has the encoding header). */
    public static boolean isBinary(Headers headers) {
        return headers != null && headers.lastHeader(ENCODING) != null;
    }

    /** Writes the event's headers into {@code headers} and returns its value. */
    public static byte[] encode(ImageEvent event, Headers headers) {
        headers.remove(ENCODING).remove(LABEL).remove(SENT_AT);
        byte[] value;
        if (event.image() instanceof Image.Pixels pixels) {
            headers.add(ENCODING, ascii(PIXELS));
            value = pixels.grey();
        } else {
            headers.add(ENCODING, ascii(IMAGE));
            value = ((Image.Encoded) event.image()).bytes();
        }
        if (event.label() != null) {
            headers.add(LABEL, ascii(Integer.toString(event.label())));
        }
        if (event.sentAt() != null) {
            headers.add(SENT_AT, ascii(Long.toString(event.sentAt())));
        }
        return value;
    }

    /** The event a binary record holds, or why not. */
    public static Decoded<ImageEvent> decode(String key, Headers headers, byte[] value) {
        if (value == null) {
            return Decoded.invalid(ErrorCode.NULL_VALUE, "the record has a null value (a tombstone?)");
        }
        if (key == null) {
            return Decoded.invalid(ErrorCode.MISSING_KEY, "the record has no key; send the image id as the key");
        }
        if (key.isEmpty()) {
            return Decoded.invalid(ErrorCode.EMPTY_ID, "the record key (the image id) is empty");
        }
        if (key.length() > ImageEvent.MAX_ID_LENGTH) {
            return Decoded.invalid(
                    ErrorCode.ID_TOO_LONG,
                    "the record key has " + key.length() + " characters; at most " + ImageEvent.MAX_ID_LENGTH
                            + " are allowed");
        }
        Decoded<String> encoding = single(headers, ENCODING);
        Decoded<String> label = single(headers, LABEL);
        Decoded<String> sentAt = single(headers, SENT_AT);
        for (Decoded<String> header : java.util.List.of(encoding, label, sentAt)) {
            if (header instanceof Decoded.Invalid<String> invalid) {
                return invalid.retype();
            }
        }
        Decoded<Image> image = image(encoding.orElseThrow(), value);
        if (image instanceof Decoded.Invalid<Image> invalid) {
            return invalid.retype();
        }
        Integer digit = null;
        String labelText = ((Decoded.Valid<String>) label).value();
        if (!labelText.isEmpty()) {
            if (labelText.length() != 1 || labelText.charAt(0) < '0' || labelText.charAt(0) > '9') {
                return Decoded.invalid(
                        ErrorCode.BAD_LABEL,
                        "header " + LABEL + " is '" + abbreviate(labelText) + "', not a digit 0-9");
            }
            digit = labelText.charAt(0) - '0';
        }
        Long sent = null;
        String sentText = ((Decoded.Valid<String>) sentAt).value();
        if (!sentText.isEmpty()) {
            try {
                sent = Long.parseLong(sentText);
            } catch (NumberFormatException e) {
                sent = -1L;
            }
            if (sent < 0) {
                return Decoded.invalid(
                        ErrorCode.BAD_TIMESTAMP,
                        "header " + SENT_AT + " is '" + abbreviate(sentText)
                                + "', not non-negative epoch milliseconds");
            }
        }
        return Decoded.valid(new ImageEvent(key, image.orElseThrow(), digit, sent));
    }

    private static Decoded<Image> image(String encoding, byte[] value) {
        return switch (encoding) {
            case PIXELS ->
                value.length == Mnist.PIXELS
                        ? Decoded.valid(new Image.Pixels(value))
                        : Decoded.invalid(
                                ErrorCode.BAD_PIXEL_COUNT,
                                "the value holds " + value.length + " bytes; the pixels encoding needs exactly "
                                        + Mnist.PIXELS);
            case IMAGE -> {
                if (value.length == 0) {
                    yield Decoded.invalid(ErrorCode.NO_IMAGE, "the value is empty: no image");
                }
                if (value.length > TopicSpecs.MAX_ENCODED_IMAGE_BYTES) {
                    yield Decoded.invalid(
                            ErrorCode.IMAGE_TOO_LARGE,
                            "the image is " + value.length + " bytes; the limit is "
                                    + TopicSpecs.MAX_ENCODED_IMAGE_BYTES);
                }
                yield Decoded.valid(new Image.Encoded(value));
            }
            default ->
                Decoded.invalid(
                        ErrorCode.UNKNOWN_ENCODING,
                        "header " + ENCODING + " is '" + abbreviate(encoding) + "'; this build reads " + PIXELS
                                + " and " + IMAGE);
        };
    }

    /** A header's one value as text ("" when absent); given twice, which counts would be a guess: refused. */
    private static Decoded<String> single(Headers headers, String name) {
        Iterator<Header> found = headers.headers(name).iterator();
        if (!found.hasNext()) {
            return Decoded.valid("");
        }
        Header header = found.next();
        if (found.hasNext()) {
            return Decoded.invalid(ErrorCode.DUPLICATE_FIELD, "header " + name + " is given more than once");
        }
        return Decoded.valid(header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String abbreviate(String text) {
        return text.length() <= 32 ? text : text.substring(0, 32) + "...";
    }
}
