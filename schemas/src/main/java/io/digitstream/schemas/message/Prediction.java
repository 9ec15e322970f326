package io.digitstream.schemas.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.digitstream.schemas.Mnist;
import java.util.Arrays;
import java.util.Objects;

/**
 * The classifier's answer for one image, the value on {@code predictions-out} (key = {@link #id()}).
 * JSON form: see {@code schemas/prediction.schema.json}.
 *
 * @param digit         the most probable digit
 * @param confidence    its softmax probability
 * @param probabilities the ten softmax probabilities, digit 0 first
 * @param modelName     the model that made the prediction
 * @param modelVersion  the version of that model; one batch never mixes versions
 * @param label         the true digit echoed from the event, when it was known
 * @param sentAt        the event's sentAt, when it was given
 * @param emittedAt     epoch milliseconds when the prediction was emitted
 * @param batchSize     how many images shared the inference call
 * @param uncertain     whether {@code confidence} is below the classifier's {@code --uncertain-below}: a
 *                      digit to check, not to act on; null in predictions of classifiers that did not
 *                      say (before the field existed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prediction(
        @JsonProperty(required = true) String id,
        @JsonProperty(required = true) Integer digit,
        @JsonProperty(required = true) Double confidence,
        @JsonProperty(required = true) double[] probabilities,
        @JsonProperty(required = true) String modelName,
        @JsonProperty(required = true) Long modelVersion,
        Integer label,
        Long sentAt,
        @JsonProperty(required = true) Long emittedAt,
        @JsonProperty(required = true) Integer batchSize,
        Boolean uncertain) {

    public Prediction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(digit, "digit");
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(probabilities, "probabilities");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(emittedAt, "emittedAt");
        Objects.requireNonNull(batchSize, "batchSize");
        if (digit < 0 || digit > 9) {
            throw new IllegalArgumentException("digit must be 0..9");
        }
        if (probabilities.length != Mnist.CLASSES) {
            throw new IllegalArgumentException("probabilities must hold " + Mnist.CLASSES + " values");
        }
    }

    /** True when the label is known and matches the predicted digit. */
    public boolean correct() {
        return label != null && label.equals(digit);
    }

    /** Milliseconds from the producer's send to the emission, when the event said when it was sent. */
    public Long latencyMillis() {
        return sentAt == null ? null : emittedAt - sentAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p
                && id.equals(p.id)
                && digit.equals(p.digit)
                && confidence.equals(p.confidence)
                && Arrays.equals(probabilities, p.probabilities)
                && modelName.equals(p.modelName)
                && modelVersion.equals(p.modelVersion)
                && Objects.equals(label, p.label)
                && Objects.equals(sentAt, p.sentAt)
                && emittedAt.equals(p.emittedAt)
                && batchSize.equals(p.batchSize)
                && Objects.equals(uncertain, p.uncertain);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                id,
                digit,
                confidence,
                Arrays.hashCode(probabilities),
                modelName,
                modelVersion,
                label,
                sentAt,
                emittedAt,
                batchSize,
                uncertain);
    }

    @Override
    public String toString() {
        return "Prediction[id=" + id + ", digit=" + digit + ", confidence=" + confidence + ", model=" + modelName + " v"
                + modelVersion + ", label=" + label + ", batchSize=" + batchSize + ", uncertain=" + uncertain + "]";
    }
}
