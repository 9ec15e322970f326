package io.digitstream.model.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.digitstream.model.network.ReferenceCnn;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;
import org.nd4j.linalg.learning.config.Adam;

/** The compatibility unit, pinned to the Deeplearning4j version it was written against. */
class Dl4jRuntimeTest {
    @Test
    void theDeeplearning4jOnTheClasspathIsTheOneThisPackageWasWrittenFor() {
        assertThat(Dl4jRuntime.deeplearning4jVersion())
                .as(
                        "io.digitstream.model.dl4j and org.nd4j.nativeblas.Nd4jCpu adapt Deeplearning4j %s (helper lookup,"
                                + " layer internals, System.gc() in close); re-check each against the new version, then raise"
                                + " Dl4jRuntime.BUILT_FOR",
                        Dl4jRuntime.BUILT_FOR)
                .isEqualTo(Dl4jRuntime.BUILT_FOR);
    }

    @Test
    void theSetUpRunsFromNd4jsOwnBackendSearchAndNd4jStillChoosesItsCpuBackend() {
        var providers = java.util.ServiceLoader.load(Nd4jBackend.class).stream()
                .map(p -> p.type().getName())
                .toList();
        assertThat(providers).contains(NativeSetupHook.class.getName());
        assertThat(Nd4j.getBackend().getClass().getSimpleName()).isEqualTo("CpuBackend");
        assertThat(System.getProperty(Dl4jRuntime.HELPERS_DISABLED_PROPERTY)).isEqualTo("false");
    }

    @Test
    void theReferenceNetworkRunsOnOneDnnLayerHelpersWhereTheOneDnnBuildIsPresent() {
        var network = ReferenceCnn.create(777, new Adam(1e-3));
        assumeTrue(
                getClass()
                                .getClassLoader()
                                .getResource("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libnd4jcpu.so")
                        != null,
                "the build took other natives than linux-x86_64-onednn");

        assertThat(System.getProperty(Dl4jRuntime.EXTENSION_PROPERTY)).isEqualTo("-onednn");
        assertThat(Dl4jRuntime.oneDnnLoaded()).isTrue();
        assertThat(System.getProperty(Dl4jRuntime.HELPERS_DISABLED_PROPERTY)).isEqualTo("false");
        // convolution and pooling layers: without the Nd4jCpu shim these stay null in M2.1
        assertThat(network.getLayer(0).getHelper())
                .isNotNull()
                .extracting(h -> h.getClass().getSimpleName())
                .isEqualTo("MKLDNNConvHelper");
        assertThat(network.getLayer(1).getHelper())
                .isNotNull()
                .extracting(h -> h.getClass().getSimpleName())
                .isEqualTo("MKLDNNSubsamplingHelper");
    }

    @Test
    void trainingOnOneDnnConvolutionsGivesOpenBlasOneThread() {
        var network = ReferenceCnn.create(777, new Adam(1e-3));
        var blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        try {
            boolean tuned = Dl4jRuntime.tuneForTraining(network);

            assertThat(tuned).isEqualTo(network.getLayer(0).getHelper() != null);
            assertThat(blas.getMaxThreads()).isEqualTo(tuned ? 1 : before);
        } finally {
            blas.setMaxThreads(before);
        }
    }

    @Test
    void openMpThreadsAreSetForTheCallingThreadOnly() throws Exception {
        ReferenceCnn.create(777, new Adam(1e-3)); // loads ND4J
        var otherThread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            int othersDefault = otherThread
                    .submit(() -> Dl4jRuntime.openMpThreadsOfThisThread(1))
                    .get();
            int original = Dl4jRuntime.openMpThreadsOfThisThread(othersDefault + 1);
            try {
                assertThat(Dl4jRuntime.openMpThreadsOfThisThread(othersDefault + 1))
                        .isEqualTo(othersDefault + 1);
                // the other thread's own setting (1) is untouched by this thread's
                assertThat(otherThread
                                .submit(() -> Dl4jRuntime.openMpThreadsOfThisThread(1))
                                .get())
                        .isEqualTo(1);
            } finally {
                Dl4jRuntime.openMpThreadsOfThisThread(original);
            }
        } finally {
            otherThread.shutdownNow();
        }
    }
}
