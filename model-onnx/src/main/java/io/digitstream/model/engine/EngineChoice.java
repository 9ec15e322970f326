package io.digitstream.model.engine;

import io.digitstream.model.onnx.OnnxInt8Models;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.model.onnx.OnnxSettings;

/** Which engine serves verified models, and how it runs. */
public record EngineChoice(EngineKind kind, OnnxSettings onnx) {

    /** ONNX Runtime with the settings measured best inside a stream processor. */
    public static EngineChoice ofOnnx() {
        return new EngineChoice(EngineKind.ONNX, OnnxSettings.forStreaming());
    }

    /** The faster engine on this machine's CPU ({@code --engine auto}), with the streaming settings. */
    public static EngineChoice fastestHere() {
        return new EngineChoice(EngineKind.fastestOn(Int8Instructions.ofThisCpu()), OnnxSettings.forStreaming());
    }

    /** The engine's name in logs and metric tags. */
    public String name() {
        return kind.flag();
    }

    /** The loader that builds this engine for each admitted snapshot. */
    public ModelLoader loader() {
        return switch (kind) {
            case ONNX -> new OnnxModels(onnx);
            case ONNX_INT8 -> new OnnxInt8Models(onnx);
        };
    }

    @Override
    public String toString() {
        return name() + " (" + onnx.describe() + ")";
    }
}
