package io.digitstream.model.engine;

import java.util.Locale;

/** The inference engines a snapshot can be served by. */
public enum EngineKind {
    /** Deeplearning4j's {@code MultiLayerNetwork.output}: the reference, and the fallback. */
    DL4J,
    /** ONNX Runtime on a graph derived from the snapshot's weights: the fast one. */
    ONNX;

    public static EngineKind parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown engine '" + name + "' (dl4j, onnx)", e);
        }
    }
}
