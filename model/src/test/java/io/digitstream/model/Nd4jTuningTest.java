package io.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.digitstream.model.network.Nd4jTuning;
import io.digitstream.model.network.ReferenceCnn;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class Nd4jTuningTest {
    @Test
    void theReferenceNetworkRunsOnOneDnnLayerHelpersWhereTheOneDnnBuildIsPresent() {
        var network = ReferenceCnn.create(777, new Adam(1e-3));
        assumeTrue(getClass().getClassLoader().getResource(
                "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libnd4jcpu.so") != null,
                "the build took other natives than linux-x86_64-onednn");

        assertThat(System.getProperty(Nd4jTuning.EXTENSION_PROPERTY)).isEqualTo("-onednn");
        assertThat(System.getProperty(Nd4jTuning.HELPERS_DISABLED_PROPERTY)).isEqualTo("false");
        // convolution and pooling layers: without the Nd4jCpu shim these stay null in M2.1
        assertThat(network.getLayer(0).getHelper()).isNotNull()
                .extracting(h -> h.getClass().getSimpleName()).isEqualTo("MKLDNNConvHelper");
        assertThat(network.getLayer(1).getHelper()).isNotNull()
                .extracting(h -> h.getClass().getSimpleName()).isEqualTo("MKLDNNSubsamplingHelper");
    }

    @Test
    void trainingOnOneDnnConvolutionsGivesOpenBlasOneThread() {
        var network = ReferenceCnn.create(777, new Adam(1e-3));
        var blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        try {
            boolean tuned = Nd4jTuning.tuneForTraining(network);

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
            int othersDefault = otherThread.submit(() -> Nd4jTuning.openMpThreadsOfThisThread(1)).get();
            int original = Nd4jTuning.openMpThreadsOfThisThread(othersDefault + 1);
            try {
                assertThat(Nd4jTuning.openMpThreadsOfThisThread(othersDefault + 1)).isEqualTo(othersDefault + 1);
                // the other thread's own setting (1) is untouched by this thread's
                assertThat(otherThread.submit(() -> Nd4jTuning.openMpThreadsOfThisThread(1)).get()).isEqualTo(1);
            } finally {
                Nd4jTuning.openMpThreadsOfThisThread(original);
            }
        } finally {
            otherThread.shutdownNow();
        }
    }
}
