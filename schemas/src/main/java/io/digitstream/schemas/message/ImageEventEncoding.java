package io.digitstream.schemas.message;

import java.util.Locale;

/**
 * The two forms of an image event on {@code digits-in}; the classifier reads both, a producer
 * chooses. JSON ({@code image-event.schema.json}) is self-describing and easy to write by hand;
 * binary ({@code image-event.binary.md}: the image's bytes as the value, label and send time in
 * headers) is smaller and cheaper to read and write.
 */
public enum ImageEventEncoding {
    JSON,
    BINARY;

    /** {@code json} or {@code binary}, any case. */
    public static ImageEventEncoding parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the image event encoding must be json or binary, not '" + name + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
