package io.digitstream.schemas.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Running accuracy of one model version over labelled predictions, the value on
 * {@code accuracy-out} (key = model version as a decimal string).
 * JSON form: see {@code schemas/accuracy-report.schema.json}.
 *
 * @param seen          labelled predictions made by this version so far
 * @param correct       how many of them were right
 * @param windowSize    the size of the sliding window of the latest predictions
 * @param windowSeen    predictions in the window (at most windowSize)
 * @param windowCorrect right ones in the window
 * @param latencyP50Ms  median send-to-emit latency, when events carry sentAt
 * @param latencyP99Ms  99th percentile of the same
 * @param updatedAt     epoch milliseconds of the report
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccuracyReport(
        @JsonProperty(required = true) String modelName,
        @JsonProperty(required = true) Long modelVersion,
        @JsonProperty(required = true) Long seen,
        @JsonProperty(required = true) Long correct,
        @JsonProperty(required = true) Integer windowSize,
        @JsonProperty(required = true) Integer windowSeen,
        @JsonProperty(required = true) Integer windowCorrect,
        Double latencyP50Ms,
        Double latencyP99Ms,
        @JsonProperty(required = true) Long updatedAt) {

    public AccuracyReport {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(seen, "seen");
        Objects.requireNonNull(correct, "correct");
        Objects.requireNonNull(windowSize, "windowSize");
        Objects.requireNonNull(windowSeen, "windowSeen");
        Objects.requireNonNull(windowCorrect, "windowCorrect");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (correct > seen || windowCorrect > windowSeen || windowSeen > windowSize) {
            throw new IllegalArgumentException("counts are inconsistent");
        }
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public double accuracy() {
        return seen == 0 ? 0.0 : (double) correct / seen;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public double windowAccuracy() {
        return windowSeen == 0 ? 0.0 : (double) windowCorrect / windowSeen;
    }
}
