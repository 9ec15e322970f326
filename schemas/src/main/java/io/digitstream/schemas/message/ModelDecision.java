package io.digitstream.schemas.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * What one classifier instance decided about one model snapshot, the value on
 * {@code model-decisions} (key = model name). Every instance writes its own decisions, so an auditor
 * (or the console) sees which instance serves what, and why a snapshot was refused.
 * JSON form: see {@code schemas/model-decision.schema.json}.
 *
 * @param outcome               {@link #SERVING} or {@link #REJECTED}
 * @param code                  for a rejection, the {@code ErrorCode} name
 * @param reason                for a rejection, the sentence naming the particular problem
 * @param holdoutAccuracy       the snapshot's accuracy on the instance's holdout set, when it got that far
 * @param holdoutExamples       the size of that holdout set
 * @param servedVersion         the version the instance served when it decided (0 = none)
 * @param servedHoldoutAccuracy that version's holdout accuracy, what the gate compared against
 * @param signerKeyId           the key that signed the snapshot, when it was signed
 * @param rollbackOf            the version a deliberate rollback republished
 * @param publishedAt           when the snapshot was written to the topic (its record timestamp)
 * @param decidedAt             when the instance decided
 * @param engine                for a snapshot that serves, the engine serving it ({@code onnx}, {@code onnx-int8})
 * @param engineNote            how that engine came to serve it, when worth saying (an int8 graph, or
 *                              float32 because the int8 graph read the canary otherwise, and how)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelDecision(
        @JsonProperty(required = true) String modelName,
        @JsonProperty(required = true) Long version,
        @JsonProperty(required = true) String outcome,
        String code,
        String reason,
        Double holdoutAccuracy,
        Integer holdoutExamples,
        @JsonProperty(required = true) Long servedVersion,
        Double servedHoldoutAccuracy,
        String signerKeyId,
        Long rollbackOf,
        @JsonProperty(required = true) String instanceId,
        Long publishedAt,
        @JsonProperty(required = true) Long decidedAt,
        String engine,
        String engineNote) {

    public static final String SERVING = "SERVING";
    public static final String REJECTED = "REJECTED";

    public ModelDecision {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(servedVersion, "servedVersion");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(decidedAt, "decidedAt");
        if (!outcome.equals(SERVING) && !outcome.equals(REJECTED)) {
            throw new IllegalArgumentException("outcome must be SERVING or REJECTED, not " + outcome);
        }
        if (outcome.equals(REJECTED) && code == null) {
            throw new IllegalArgumentException("a rejection needs its code");
        }
    }

    public boolean serving() {
        return outcome.equals(SERVING);
    }
}
