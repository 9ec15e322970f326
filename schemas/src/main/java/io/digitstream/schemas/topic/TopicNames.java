package io.digitstream.schemas.topic;

import java.util.List;
import java.util.Objects;

/**
 * The names of the six topics. They are configurable; {@link #DEFAULTS} are the names users' docs
 * and scripts use.
 *
 * @param modelDecisions what each classifier instance decided about each snapshot (served, or refused and why)
 */
public record TopicNames(
        String digitsIn,
        String predictionsOut,
        String modelSnapshots,
        String deadLetters,
        String accuracyOut,
        String modelDecisions) {

    public static final String DIGITS_IN = "digits-in";
    public static final String PREDICTIONS_OUT = "predictions-out";
    public static final String MODEL_SNAPSHOTS = "model-snapshots";
    public static final String DIGITS_DLQ = "digits-dlq";
    public static final String ACCURACY_OUT = "accuracy-out";
    public static final String MODEL_DECISIONS = "model-decisions";

    public static final TopicNames DEFAULTS =
            new TopicNames(DIGITS_IN, PREDICTIONS_OUT, MODEL_SNAPSHOTS, DIGITS_DLQ, ACCURACY_OUT, MODEL_DECISIONS);

    public TopicNames {
        for (String name : List.of(
                String.valueOf(digitsIn),
                String.valueOf(predictionsOut),
                String.valueOf(modelSnapshots),
                String.valueOf(deadLetters),
                String.valueOf(accuracyOut),
                String.valueOf(modelDecisions))) {
            if (name.equals("null") || name.isBlank()) {
                throw new IllegalArgumentException("topic names must not be blank");
            }
        }
        Objects.requireNonNull(modelDecisions, "modelDecisions");
    }

    /** The same names with a prefix, so tests and demos can share a broker without clashing. */
    public TopicNames withPrefix(String prefix) {
        return new TopicNames(
                prefix + digitsIn,
                prefix + predictionsOut,
                prefix + modelSnapshots,
                prefix + deadLetters,
                prefix + accuracyOut,
                prefix + modelDecisions);
    }

    public List<String> all() {
        return List.of(digitsIn, predictionsOut, modelSnapshots, deadLetters, accuracyOut, modelDecisions);
    }
}
