package io.digitstream.classifier.stream;

import io.digitstream.schemas.Mnist;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An accepted image waiting in the micro-batch buffer: already decoded and in MNIST style, so a
 * restored buffer needs no second decode.
 *
 * @param bufferedAt wall-clock epoch milliseconds when it entered the buffer
 * @param partition  where it was read from, for dead letters
 * @param offset     likewise
 */
record PendingImage(String id, byte[] pixels, Integer label, Long sentAt, long bufferedAt, int partition, long offset) {
    private static final byte FORMAT = 1;

    PendingImage {
        if (pixels.length != Mnist.PIXELS) {
            throw new IllegalArgumentException("expected 784 pixels");
        }
    }

    static Serde<PendingImage> serde() {
        return Serdes.serdeFrom(SERIALIZER, DESERIALIZER);
    }

    /** Compact binary, since every buffered image goes through the changelog. */
    private static final Serializer<PendingImage> SERIALIZER = (topic, p) -> {
        if (p == null) {
            return null;
        }
        byte[] id = p.id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + id.length + Mnist.PIXELS + 1 + 8 + 8 + 4 + 8)
                .put(FORMAT)
                .putInt(id.length)
                .put(id)
                .put(p.pixels)
                .put((byte) (p.label == null ? -1 : p.label))
                .putLong(p.sentAt == null ? -1 : p.sentAt)
                .putLong(p.bufferedAt)
                .putInt(p.partition)
                .putLong(p.offset)
                .array();
    };

    private static final Deserializer<PendingImage> DESERIALIZER = (topic, bytes) -> {
        if (bytes == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT) {
                throw new SerializationException("unknown buffered-image format");
            }
            byte[] id = new byte[in.getInt()];
            in.get(id);
            byte[] pixels = new byte[Mnist.PIXELS];
            in.get(pixels);
            byte label = in.get();
            long sentAt = in.getLong();
            long bufferedAt = in.getLong();
            int partition = in.getInt();
            long offset = in.getLong();
            return new PendingImage(
                    new String(id, StandardCharsets.UTF_8),
                    pixels,
                    label < 0 ? null : (int) label,
                    sentAt < 0 ? null : sentAt,
                    bufferedAt,
                    partition,
                    offset);
        } catch (RuntimeException e) {
            throw new SerializationException("corrupt buffered image", e);
        }
    };
}
