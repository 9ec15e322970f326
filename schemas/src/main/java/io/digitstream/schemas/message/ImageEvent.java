package io.digitstream.schemas.message;

import java.util.Objects;

/**
 * One image to classify, the value on {@code digits-in}; the record key is {@link #id()}.
 * JSON form: see {@code schemas/image-event.schema.json}.
 *
 * @param label  the true digit when known (replays of MNIST), else null
 * @param sentAt epoch milliseconds when the producer sent it, else null
 */
public record ImageEvent(String id, Image image, Integer label, Long sentAt) {
    /** The longest id accepted, in characters: an id is a name, not a payload. */
    public static final int MAX_ID_LENGTH = 256;

    public ImageEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("id must not be empty");
        }
        if (label != null && (label < 0 || label > 9)) {
            throw new IllegalArgumentException("label must be 0..9");
        }
    }
}
