package io.digitstream.schemas.topic;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its key and value: the one place both are chosen. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
    }
}
