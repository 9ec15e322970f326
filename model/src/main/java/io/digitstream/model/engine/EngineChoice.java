package io.digitstream.model.engine;

import io.digitstream.model.onnx.OnnxSettings;

/**
 * Which engine serves verified models, and how the fast one runs.
 *
 * @param onnx ignored for {@link EngineKind#DL4J}
 */
public record EngineChoice(EngineKind kind, OnnxSettings onnx) {
    public static EngineChoice ofDl4j() {
        return new EngineChoice(EngineKind.DL4J, OnnxSettings.forStreaming());
    }

    /** The fast engine with the settings measured best inside a stream processor. */
    public static EngineChoice ofOnnx() {
        return new EngineChoice(EngineKind.ONNX, OnnxSettings.forStreaming());
    }

    /** The engine's name in logs and metric tags: {@code onnx} or {@code dl4j}. */
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return kind == EngineKind.ONNX
                ? name() + " (" + onnx.intraOpThreads() + " intra-op threads" + (onnx.spinning() ? ", spinning)" : ")")
                : name();
    }
}
