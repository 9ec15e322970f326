package io.digitstream.schemas.snapshot;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a snapshot graph's ten outputs per image are. */
public enum ModelOutput {
    /** Probabilities summing to one: the trainer's graphs end in a softmax. */
    PROBABILITIES,
    /** Unnormalised scores; the serving engine applies a softmax after the graph. */
    LOGITS;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code probabilities} or {@code logits}, as a flag gives it. */
    public static ModelOutput parse(String name) {
        for (ModelOutput kind : values()) {
            if (kind.jsonName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is neither probabilities nor logits");
    }
}
