package io.digitstream.console.draw;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What became of one drawing sent through the console: the pipeline's prediction, its dead letter,
 * no answer in time, or not even sent. Every drawing ends in exactly one of these, so the page
 * always has something to show.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "status")
@JsonSubTypes({
    @JsonSubTypes.Type(value = DrawOutcome.Predicted.class, name = "PREDICTED"),
    @JsonSubTypes.Type(value = DrawOutcome.DeadLettered.class, name = "DEAD_LETTER"),
    @JsonSubTypes.Type(value = DrawOutcome.NoAnswer.class, name = "NO_ANSWER"),
    @JsonSubTypes.Type(value = DrawOutcome.NotSent.class, name = "NOT_SENT")
})
public sealed interface DrawOutcome {
    /** The image event's id on digits-in. */
    String id();

    /**
     * The classifier's answer.
     *
     * @param uncertain   the classifier flagged the confidence as below its threshold; null if it did not say
     * @param roundTripMs from the console's send to its reading the prediction
     * @param input       the 28x28 grey image the model saw (the classifier's own preprocessing), row-major
     * @param featureMaps what the model's first convolution made of it; null when the console has
     *                    not loaded that version (untrusted, or still being checked)
     */
    record Predicted(
            String id,
            int digit,
            double confidence,
            Boolean uncertain,
            double[] probabilities,
            long modelVersion,
            long roundTripMs,
            int[] input,
            FeatureMaps featureMaps)
            implements DrawOutcome {}

    /** The classifier refused the image: the code and sentence from the dead letter's headers. */
    record DeadLettered(String id, String code, String reason, long roundTripMs, int[] input) implements DrawOutcome {}

    /** Neither a prediction nor a dead letter arrived in time: no classifier running, or none with a model. */
    record NoAnswer(String id, long waitedMs, String reason) implements DrawOutcome {}

    /**
     * The image was not written to digits-in; {@code code} says why: an {@code ErrorCode} name for
     * an image refused before sending, or {@link #BUSY} or {@link #SEND_FAILED}.
     */
    record NotSent(String id, String code, String reason) implements DrawOutcome {
        /** Too many drawings wait for answers already. */
        public static final String BUSY = "BUSY";
        /** The write to digits-in failed. */
        public static final String SEND_FAILED = "SEND_FAILED";
    }
}
