package io.digitstream.schemas.topic;

import java.util.List;
import java.util.Objects;

/**
 * The names of the five topics. They are configurable; {@link #DEFAULTS} are the names
 * users' docs and scripts use.
 */
public record TopicNames(
        String digitsIn, String predictionsOut, String modelSnapshots, String deadLetters, String accuracyOut) {

    public static final String DIGITS_IN = "digits-in";
    public static final String PREDICTIONS_OUT = "predictions-out";
    public static final String MODEL_SNAPSHOTS = "model-snapshots";
    public static final String DIGITS_DLQ = "digits-dlq";
    public static final String ACCURACY_OUT = "accuracy-out";

    public static final TopicNames DEFAULTS =
            new TopicNames(DIGITS_IN, PREDICTIONS_OUT, MODEL_SNAPSHOTS, DIGITS_DLQ, ACCURACY_OUT);

    public TopicNames {
        for (String name : new String[] {digitsIn, predictionsOut, modelSnapshots, deadLetters, accuracyOut}) {
            Objects.requireNonNull(name, "topic name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("topic names must not be blank");
            }
        }
    }

    /** The same names with a prefix, so tests and demos can share a broker without clashing. */
    public TopicNames withPrefix(String prefix) {
        return new TopicNames(
                prefix + digitsIn,
                prefix + predictionsOut,
                prefix + modelSnapshots,
                prefix + deadLetters,
                prefix + accuracyOut);
    }

    public List<String> all() {
        return List.of(digitsIn, predictionsOut, modelSnapshots, deadLetters, accuracyOut);
    }
}
