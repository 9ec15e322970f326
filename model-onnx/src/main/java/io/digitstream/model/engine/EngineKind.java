package io.digitstream.model.engine;

import java.util.Locale;

/** The inference engines a serving process can run a snapshot's graph with. */
public enum EngineKind {
    /** ONNX Runtime on the snapshot's float32 graph. */
    ONNX;

    public static EngineKind parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown engine '" + name + "' (onnx)", e);
        }
    }
}
