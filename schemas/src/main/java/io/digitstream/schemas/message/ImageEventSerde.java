package io.digitstream.schemas.message;

import io.digitstream.schemas.InvalidMessageException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde clients use for {@code digits-in}: its serializer writes the JSON or the binary form. The deserializer reads the JSON form only (a binary event's id is its key, which a
 * deserializer does not see). The classifier itself reads raw bytes and calls {@link
 * ImageEventCodec#decode(String, Headers, byte[])}, so a bad event becomes a dead letter rather
 * than an exception.
 */
public final class ImageEventSerde implements Serde<ImageEvent> {
    private final ImageEventEncoding encoding;

    public ImageEventSerde(ImageEventEncoding encoding) {
        this.encoding = encoding;
    }

    /** The JSON form. */
    public ImageEventSerde() {
        this(ImageEventEncoding.JSON);
    }

    @Override
    public Serializer<ImageEvent> serializer() {
        if (encoding == ImageEventEncoding.JSON) {
            return (topic, event) -> event == null ? null : ImageEventCodec.encode(event);
        }
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, ImageEvent event) {
                throw new IllegalStateException("the binary form puts the label and send time in headers: a producer"
                        + " calls serialize(topic, headers, event)");
            }

            @Override
            public byte[] serialize(String topic, Headers headers, ImageEvent event) {
                return event == null ? null : BinaryImageEvents.encode(event, headers);
            }
        };
    }

    @Override
    public Deserializer<ImageEvent> deserializer() {
        return new Deserializer<>() {
            @Override
            public ImageEvent deserialize(String topic, byte[] bytes) {
                return deserialize(topic, null, bytes);
            }

            @Override
            public ImageEvent deserialize(String topic, Headers headers, byte[] bytes) {
                if (bytes == null) {
                    return null;
                }
                if (BinaryImageEvents.isBinary(headers)) {
                    // a deserializer never sees the key, and the binary form's id is the key
                    throw new SerializationException("a binary image event on topic " + topic + " has its id in the"
                            + " record key: read it with ImageEventCodec.decode(key, headers, value)");
                }
                try {
                    return ImageEventCodec.decode(bytes).orElseThrow();
                } catch (InvalidMessageException e) {
                    throw new SerializationException(
                            "Invalid image event on topic " + topic + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
