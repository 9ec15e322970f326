package io.digitstream.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The line every benchmark prints first: on what its figures were measured. */
public final class Machine {
    private Machine() {}

    /** CPU model, core count and JVM, e.g. {@code AMD EPYC, 2 cores, OpenJDK 64-Bit Server VM 17.0.15}. */
    public static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        } catch (Exception e) {
            // not Linux: the core count and JVM still say something
        }
        return String.format(
                Locale.ROOT,
                "%s, %d cores, %s %s",
                cpu,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
    }

    /**
     * The x86 instructions ONNX Runtime's int8 kernels (MLAS) take for uint8 x int8 products,
     * which it picks by CPUID at start: AMX tiles, else AVX-512 VNNI ({@code vpdpbusd}), else
     * AVX-VNNI, else AVX2's {@code vpmaddubsw} + {@code vpmaddwd}, whose 16-bit sums are why the
     * int8 graph's weights have 7 bits. Read from /proc/cpuinfo's flags; ONNX Runtime does not say.
     */
    public static String int8Instructions() {
        try {
            String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .orElse("");
            java.util.Set<String> has = new java.util.HashSet<>(java.util.Arrays.asList(
                    flags.substring(flags.indexOf(':') + 1).trim().split("\\s+")));
            if (has.contains("amx_int8")) {
                return "AMX-INT8 (amx_int8), AVX-512 VNNI beside it";
            }
            if (has.contains("avx512_vnni")) {
                return "AVX-512 VNNI (vpdpbusd)";
            }
            if (has.contains("avx_vnni")) {
                return "AVX-VNNI (vpdpbusd on 256 bits)";
            }
            if (has.contains("avx2")) {
                return "AVX2 without VNNI (vpmaddubsw + vpmaddwd: 16-bit pair sums)";
            }
            return "no AVX2: MLAS's SSE kernels";
        } catch (Exception e) {
            return "unknown (no /proc/cpuinfo)";
        }
    }
}
