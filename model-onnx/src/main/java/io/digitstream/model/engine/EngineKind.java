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

    public static EngineKind parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(kind -> kind.flag.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown engine '" + name + "' ("
                        + Arrays.stream(values()).map(EngineKind::flag).collect(Collectors.joining(", ")) + ")"));
    }
}
