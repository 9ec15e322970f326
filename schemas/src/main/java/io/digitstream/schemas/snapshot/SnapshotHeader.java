package io.digitstream.schemas.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The small JSON header in front of a model payload. See {@code schemas/snapshot-header.schema.json}.
 *
 * @param modelName     the key on {@code model-snapshots}
 * @param version       grows monotonically per model name; only a newer version replaces a served one
 * @param createdAt     epoch milliseconds
 * @param payloadFormat how the payload is encoded: {@link #ONNX_GRAPH}, the only format served
 * @param output        what the graph's ten outputs are: {@link ModelOutput#PROBABILITIES} (the
 *                      trainer's graphs) or {@link ModelOutput#LOGITS} (a softmax is applied after
 *                      the graph); absent means probabilities
 * @param payloadSha256 hex SHA-256 of the payload, checked before anything loads it
 * @param inputShape    channels, height, width of one input image
 * @param outputSize    number of classes
 * @param rollbackOf    set when a key holder republished an older version's weights on purpose: the
 *                      version they came from. The accuracy gate lets such a snapshot through; the
 *                      field is signed with the rest of the header, so nobody else can set it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotHeader(
        @JsonProperty(required = true) String modelName,
        @JsonProperty(required = true) Long version,
        @JsonProperty(required = true) Long createdAt,
        @JsonProperty(required = true) String payloadFormat,
        @JsonProperty(required = true) String payloadSha256,
        @JsonProperty(required = true) List<Integer> inputShape,
        @JsonProperty(required = true) Integer outputSize,
        TrainingFacts training,
        Long rollbackOf,
        ModelOutput output) {

    /** The model name (snapshot key) every part uses unless told otherwise. */
    public static final String DEFAULT_MODEL_NAME = "mnist-cnn";

    /**
     * A serialized ONNX {@code ModelProto}: one graph, its weights inside (no external data), taking
     * {@code [batch, 1, 28, 28]} floats in [0, 1] to {@code [batch, 10]}.
     */
    public static final String ONNX_GRAPH = "onnx-graph";

    public SnapshotHeader {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(payloadFormat, "payloadFormat");
        Objects.requireNonNull(payloadSha256, "payloadSha256");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(outputSize, "outputSize");
        if (modelName.isBlank()) {
            throw new IllegalArgumentException("modelName must not be blank");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1");
        }
        inputShape = List.copyOf(inputShape);
    }

    /** What the graph's outputs are; probabilities when the header does not say. */
    public ModelOutput outputKind() {
        return output == null ? ModelOutput.PROBABILITIES : output;
    }

    /** A header without a rollback mark. */
    public SnapshotHeader(
            String modelName,
            Long version,
            Long createdAt,
            String payloadFormat,
            String payloadSha256,
            List<Integer> inputShape,
            Integer outputSize,
            TrainingFacts training) {
        this(modelName, version, createdAt, payloadFormat, payloadSha256, inputShape, outputSize, training, null, null);
    }

    /** The same header declaring what the graph's outputs are. */
    public SnapshotHeader withOutput(ModelOutput kind) {
        return new SnapshotHeader(
                modelName,
                version,
                createdAt,
                payloadFormat,
                payloadSha256,
                inputShape,
                outputSize,
                training,
                rollbackOf,
                kind);
    }

    /** The same snapshot republished as {@code newVersion}; {@code rollback} marks a deliberate return to older weights. */
    public SnapshotHeader republished(long newVersion, long now, boolean rollback) {
        return new SnapshotHeader(
                modelName,
                newVersion,
                now,
                payloadFormat,
                payloadSha256,
                inputShape,
                outputSize,
                training,
                rollback ? version : null,
                output);
    }
}
