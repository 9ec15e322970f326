package io.digitstream.model.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The x86 instructions ONNX Runtime's int8 kernels (MLAS) take for uint8 x int8 products, which it
 * picks by CPUID at start: AMX tiles, else AVX-512 VNNI ({@code vpdpbusd}), else AVX-VNNI, else
 * AVX2's {@code vpmaddubsw} + {@code vpmaddwd}. ONNX Runtime does not say which; the CPU's flags
 * in /proc/cpuinfo do.
 */
public enum Int8Instructions {
    AMX_INT8("AMX-INT8 (amx_int8), AVX-512 VNNI beside it", true),
    AVX512_VNNI("AVX-512 VNNI (vpdpbusd)", true),
    AVX_VNNI("AVX-VNNI (vpdpbusd on 256 bits)", true),
    AVX2("AVX2 without VNNI (vpmaddubsw + vpmaddwd: 16-bit pair sums)", false),
    OLDER("no AVX2: MLAS's SSE kernels", false),
    UNKNOWN("unknown (no /proc/cpuinfo)", false);

    private final String description;
    private final boolean dotProductInstruction;

    Int8Instructions(String description, boolean dotProductInstruction) {
        this.description = description;
        this.dotProductInstruction = dotProductInstruction;
    }

    public String description() {
        return description;
    }

    /**
     * Whether the CPU adds four uint8 x int8 products into 32 bits in one instruction (VNNI, AMX):
     * there the int8 engine ran 1.4x float32 (docs/BENCHMARKS.md, E1 and P1); with AVX2's
     * two-instruction products it ran 0.7-0.9x.
     */
    public boolean dotProductInstruction() {
        return dotProductInstruction;
    }

    /** From a CPU's flags as /proc/cpuinfo spells them. */
    public static Int8Instructions of(Set<String> flags) {
        if (flags.contains("amx_int8")) {
            return AMX_INT8;
        }
        if (flags.contains("avx512_vnni")) {
            return AVX512_VNNI;
        }
        if (flags.contains("avx_vnni")) {
            return AVX_VNNI;
        }
        return flags.contains("avx2") ? AVX2 : OLDER;
    }

    /** This machine's, read once per call (cheap: a start-up decision). */
    public static Int8Instructions ofThisCpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> of(Arrays.stream(
                                    line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toSet())))
                    .orElse(UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
