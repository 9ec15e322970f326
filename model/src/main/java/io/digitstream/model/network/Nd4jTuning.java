package io.digitstream.model.network;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns on ND4J's oneDNN build and Deeplearning4j's oneDNN layer helpers, before ND4J loads its
 * natives. Measured here (docs/BENCHMARKS.md): training 5x faster, DL4J inference 7x faster.
 *
 * <p>Two switches, each left alone if the user set it:
 * <ul>
 *   <li>{@code org.bytedeco.javacpp.platform.extension=-onednn} makes JavaCPP load the oneDNN build
 *       of libnd4jcpu, when that build is on the classpath (the default build depends on it; see the
 *       parent POM's {@code nd4j.natives.extension}).</li>
 *   <li>{@code org.eclipse.deeplearning4j.helpers.disable=false}: M2.1 disables layer helpers unless
 *       told otherwise. They also need {@link org.nd4j.nativeblas.Nd4jCpu} to be found.</li>
 * </ul>
 * Every class of ours that touches ND4J calls {@link #apply()} in its static initializer, and so do
 * the programs' {@code main} methods; JavaCPP reads the extension once, when it first loads.
 */
public final class Nd4jTuning {
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    public static final String HELPERS_DISABLED_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    static final String ONEDNN = "-onednn";

    private Nd4jTuning() {
    }

    public static synchronized void apply() {
        if (System.getProperty(EXTENSION_PROPERTY) == null && oneDnnBuildPresent()) {
            System.setProperty(EXTENSION_PROPERTY, ONEDNN);
        }
        if (System.getProperty(HELPERS_DISABLED_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLED_PROPERTY, "false");
        }
    }

    /**
     * Sets how many OpenMP threads ND4J's (and oneDNN's) parallel regions started from the calling
     * thread may use, and returns the previous count. OpenMP keeps this setting per thread, so other
     * threads (a trainer's, say) keep theirs. ND4J must have loaded.
     */
    public static int openMpThreadsOfThisThread(int threads) {
        var nativeOps = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = nativeOps.ompGetMaxThreads();
        nativeOps.setOmpNumThreads(threads);
        return before;
    }

    /**
     * Before training: where oneDNN's layer helpers run the network's convolutions, OpenBLAS only
     * multiplies the dense layer, a few milliseconds a step, and its worker threads spin
     * ({@code sched_yield}) between those calls, taking a core from oneDNN's threads; so it gets one
     * thread, process-wide. Measured: a training step 1.26-1.31x faster ({@code TrainingBenchmark},
     * {@code -p blas=tuned,default}; docs/BENCHMARKS.md).
     * Networks without helpers (their convolutions are OpenBLAS products) keep every thread.
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
        return platform != null && Nd4jTuning.class.getClassLoader().getResource("org/nd4j/linalg/cpu/nativecpu/bindings/"
                + platform + ONEDNN + "/" + System.mapLibraryName("nd4jcpu")) != null;
    }

    /** JavaCPP's platform name, computed here: asking JavaCPP would freeze its properties too early. */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : null;
        String archName = switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
        return osName == null || archName == null ? null : osName + "-" + archName;
    }
}
