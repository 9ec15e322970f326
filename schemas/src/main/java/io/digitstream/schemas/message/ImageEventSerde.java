package io.digitstream.schemas.message;

import io.digitstream.schemas.InvalidMessageException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde clients use for {@code digits-in}. The classifier itself reads raw bytes and calls
 * {@link ImageEventCodec} so that a bad event becomes a dead letter rather than an exception.
 */
public final class ImageEventSerde implements Serde<ImageEvent> {

    @Override
    public Serializer<ImageEvent> serializer() {
        return (topic, event) -> event == null ? null : ImageEventCodec.encode(event);
    }

    @Override
    public Deserializer<ImageEvent> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return ImageEventCodec.decode(bytes).orElseThrow();
            } catch (InvalidMessageException e) {
                throw new SerializationException("Invalid image event on topic " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}
