package io.digitstream.model.dl4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The one place where this project adapts to Deeplearning4j {@value #BUILT_FOR}: everything in this
 * package, and the {@code org.nd4j.nativeblas.Nd4jCpu} shim, was written against that version's
 * bytecode and is checked against it by {@code Dl4jRuntimeTest}, so an upgrade fails loudly there.
 *
 * <ul>
 *   <li><b>Natives, before ND4J loads them</b> ({@link #beforeNativesLoad}): the oneDNN build of
 *       libnd4jcpu ({@value #EXTENSION_PROPERTY}{@code =-onednn}, when that build is on the classpath)
 *       and Deeplearning4j's oneDNN layer helpers ({@value #HELPERS_DISABLED_PROPERTY}{@code =false};
 *       M2.1 disables them by default). Training is 5x and DL4J inference 7x faster so
 *       (docs/BENCHMARKS.md). It runs from {@link NativeSetupHook}, which ND4J itself instantiates
 *       while it looks for a backend, so no class has to remember to call it first. A value the user
 *       set is left alone.</li>
 *   <li><b>The helpers' lookup</b>: M2.1's helpers ask for {@code org.nd4j.nativeblas.Nd4jCpu$Environment},
 *       a class M2.1 moved; the shim of that name answers for it.</li>
 *   <li><b>Faster layers</b> ({@link #withFasterLayers}): {@link JavaMaxPooling} and
 *       {@link OutputReusingConvolution} in place of M2.1's, same numbers to the bit.</li>
 *   <li><b>Threads</b>: OpenMP per calling thread ({@link #openMpThreadsOfThisThread}) and one
 *       OpenBLAS thread for training on helpers ({@link #tuneForTraining}).</li>
 * </ul>
 */
public final class Dl4jRuntime {
    /** The Deeplearning4j version this package was written against. */
    public static final String BUILT_FOR = "1.0.0-M2.1";

    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    public static final String HELPERS_DISABLED_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    static final String ONEDNN = "-onednn";

    private Dl4jRuntime() {}

    /** Sets the two switches that must be in place before ND4J loads its natives; idempotent. */
    static synchronized void beforeNativesLoad() {
        if (System.getProperty(EXTENSION_PROPERTY) == null && oneDnnBuildPresent()) {
            System.setProperty(EXTENSION_PROPERTY, ONEDNN);
        }
        if (System.getProperty(HELPERS_DISABLED_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLED_PROPERTY, "false");
        }
    }

    /** The version of Deeplearning4j on the classpath, from its jar's Maven metadata; "unknown" without one. */
    public static String deeplearning4jVersion() {
        try (InputStream in = MultiLayerNetwork.class.getResourceAsStream(
                "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            var properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Whether the natives that loaded were built with oneDNN. */
    public static boolean oneDnnLoaded() {
        Nd4j.getBackend(); // loads the natives if nothing has yet
        return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
    }

    /**
     * This project's layer implementations in place of Deeplearning4j's where they cover a layer:
     * max-pooling in Java ({@link JavaMaxPooling}) and ReLU convolutions that skip the forward pass
     * their backward pass would repeat ({@link OutputReusingConvolution}). Same configuration, same
     * numbers to the bit; safe to call twice.
     */
    public static MultiLayerNetwork withFasterLayers(MultiLayerNetwork network) {
        return OutputReusingConvolution.install(JavaMaxPooling.install(network));
    }

    /**
     * Sets how many OpenMP threads ND4J's (and oneDNN's) parallel regions started from the calling
     * thread may use, and returns the previous count. OpenMP keeps this setting per thread, so other
     * threads (a trainer's, say) keep theirs. ND4J must have loaded.
     */
    public static int openMpThreadsOfThisThread(int threads) {
        var nativeOps = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = nativeOps.ompGetMaxThreads();
        nativeOps.setOmpNumThreads(threads);
        return before;
    }

    /**
     * Before training: where oneDNN's layer helpers run the network's convolutions, OpenBLAS only
     * multiplies the dense layer, a few milliseconds a step, and its worker threads spin
     * ({@code sched_yield}) between those calls, taking a core from oneDNN's threads; so it gets one
     * thread, process-wide. Measured: a training step 1.26-1.31x faster ({@code TrainingBenchmark},
     * {@code -p blas=tuned,default}; docs/BENCHMARKS.md). Networks without helpers (their
     * convolutions are OpenBLAS products) keep every thread.
     *
     * @return whether OpenBLAS was set to one thread
     */
    public static boolean tuneForTraining(MultiLayerNetwork network) {
        boolean convolutionsOnOneDnn = Arrays.stream(network.getLayers())
                .anyMatch(layer -> layer instanceof ConvolutionLayer convolution && convolution.getHelper() != null);
        if (convolutionsOnOneDnn) {
            Nd4j.factory().blas().setMaxThreads(1);
        }
        return convolutionsOnOneDnn;
    }

    /** Whether the oneDNN build of ND4J's natives for this OS and CPU is on the classpath. */
    static boolean oneDnnBuildPresent() {
        String platform = platform();
        return platform != null
                && Dl4jRuntime.class
                                .getClassLoader()
                                .getResource("org/nd4j/linalg/cpu/nativecpu/bindings/" + platform + ONEDNN + "/"
                                        + System.mapLibraryName("nd4jcpu"))
                        != null;
    }

    /** JavaCPP's platform name, computed here: asking JavaCPP would freeze its properties too early. */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux")
                ? "linux"
                : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : null;
        String archName = switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
        return osName == null || archName == null ? null : osName + "-" + archName;
    }
}
