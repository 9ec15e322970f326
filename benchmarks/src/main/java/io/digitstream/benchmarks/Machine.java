package io.digitstream.benchmarks;

import io.digitstream.model.engine.Int8Instructions;
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

    /** The x86 instructions ONNX Runtime's int8 kernels take on this machine ({@link Int8Instructions}). */
    public static String int8Instructions() {
        return Int8Instructions.ofThisCpu().description();
    }
}
