package io.digitstream.model.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The inference engines a serving process can run a snapshot's graph with. */
public enum EngineKind {
    /** ONNX Runtime on the snapshot's float32 graph. */
    ONNX("onnx"),
    /** ONNX Runtime on an int8 graph derived from it at load, float32 where the canary refuses it. */
    ONNX_INT8("onnx-int8");

    private final String flag;

    EngineKind(String flag) {
        this.flag = flag;
    }

    /** The name {@code --engine} takes, and logs and metrics show. */
    public String flag() {
        return flag;
    }

    /** What {@code --engine} takes for "whichever is faster on this CPU": see {@link #fastestOn}. */
    public static final String AUTO = "auto";

    /**
     * The faster engine on a CPU with these int8 instructions: the int8 graph wherever it was
     * measured faster (AVX2 and later, {@link Int8Instructions#int8Faster}), float32 elsewhere.
     */
    public static EngineKind fastestOn(Int8Instructions int8) {
        return int8.int8Faster() ? ONNX_INT8 : ONNX;
    }

    /** An engine's name, or {@link #AUTO} for {@link #fastestOn} this machine's CPU. */
    public static EngineKind parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals(AUTO)) {
            return fastestOn(Int8Instructions.ofThisCpu());
        }
        return Arrays.stream(values())
                .filter(kind -> kind.flag.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown engine '" + name + "' ("
                        + Arrays.stream(values()).map(EngineKind::flag).collect(Collectors.joining(", ")) + " or "
                        + AUTO + ")"));
    }
}
