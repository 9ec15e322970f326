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
    AVX2("AVX2 without VNNI (vpmaddubsw + vpmaddwd: 16-bit pair sums)", true),
    OLDER("no AVX2: MLAS's SSE kernels", false),
    UNKNOWN("unknown (no /proc/cpuinfo)", false);

    private final String description;
    private final boolean int8Faster;

    Int8Instructions(String description, boolean int8Faster) {
        this.description = description;
        this.int8Faster = int8Faster;
    }

    public String description() {
        return description;
    }

    /**
     * Whether the int8 engine serves more images per second than float32 with these instructions,
     * as measured (docs/BENCHMARKS.md, E1 and P1): 1.4x on a Xeon with AMX, 1.2-1.9x on a Zen 5
     * with AVX-512 VNNI, 1.2-1.4x alone and a median 1.2x end to end on a Zen 3 with AVX2 alone
     * (AVX-VNNI lies between those). Without AVX2 nothing was measured, so float32 serves there.
     */
    public boolean int8Faster() {
        return int8Faster;
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
