package io.digitstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.TrainingFacts;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** ONNX Runtime on the exported graph against Deeplearning4j: same probabilities within 1e-4, same digits, on the whole fixture. */
class OnnxEngineTest {
    private static MultiLayerNetwork trained;

    @BeforeAll
    static void trainBriefly() {
        trained = BrieflyTrained.network();
    }

    @Test
    void onTheWholeFixtureTheOnnxEngineMatchesDl4jWithin1e4AndPredictsTheSameDigits() {
        MnistDataset test = MnistFixture.test();
        var reference = new Dl4jEngine(trained);
        try (var fast = OnnxExport.engine(trained, OnnxSettings.singleThreaded())) {
            for (int batch : new int[] {1, 7, 128}) {
                for (int from = 0; from + batch <= test.size(); from += batch == 1 ? 97 : batch) {
                    byte[] pixels = java.util.Arrays.copyOfRange(test.rawPixels(), from * 784, (from + batch) * 784);
                    float[] expected = reference.predict(pixels, batch);
                    float[] actual = fast.predict(pixels, batch);
                    for (int i = 0; i < expected.length; i++) {
                        assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                    for (int image = 0; image < batch; image++) {
                        assertThat(MnistTranslator.digit(actual, image))
                                .isEqualTo(MnistTranslator.digit(expected, image));
                    }
                }
            }
            assertThat(Evaluation.of(fast, test, 100)).isEqualTo(Evaluation.of(reference, test, 100));
        }
    }

    @Test
    void aSnapshotCarriesTheParityCheckedGraphAndTheVerifierServesIt() {
        var snapshot = Dl4jSnapshots.snapshot(trained, "mnist-cnn", 1, new TrainingFacts("test", 0, 0, null, null));
        assertThat(snapshot.header().payloadFormat()).isEqualTo(SnapshotHeader.ONNX_GRAPH);
        assertThat(OnnxGraph.admit(snapshot.payload()).orElseThrow().operators())
                .containsExactly("Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Reshape", "Gemm", "Softmax");
        var verifier = OnnxModels.singleThreadedVerifier(Holdout.fixture(100));
        try (LoadedModel model = verifier.verify(snapshot).orElseThrow()) {
            assertThat(model.engine().name()).isEqualTo("onnx");
            assertThat(model.holdout())
                    .isEqualTo(Evaluation.of(
                            new Dl4jEngine(trained), Holdout.fixture(100).data(), 100));
        }
    }

    @Test
    void theExportRefusesTheReferenceLayersInNhwc() {
        // same layers and weights shapes, but the dense layer would see another flattening order
        var conf = ReferenceCnn.configuration(777, new Adam(1e-3));
        for (int i : new int[] {0, 2}) {
            ((ConvolutionLayer) conf.getConf(i).getLayer()).setCnn2dDataFormat(CNN2DFormat.NHWC);
        }
        assertThatThrownBy(() -> OnnxExport.export(new MultiLayerNetwork(conf)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aNetworkTheExportDoesNotCoverIsNeverPublished() {
        // a valid 784 -> 10 model, but not the reference architecture
        var conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(16)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(784))
                .build();
        var network = new MultiLayerNetwork(conf);
        network.init();
        assertThatThrownBy(() -> OnnxExport.export(network)).isInstanceOf(UnsupportedOperationException.class);

        assertThatThrownBy(() ->
                        Dl4jSnapshots.snapshot(network, "mnist-cnn", 1, new TrainingFacts("test", 0, 0, null, null)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aClosedOnnxEngineRefusesWork() {
        var fast = OnnxExport.engine(trained, OnnxSettings.singleThreaded());
        fast.close();
        assertThatThrownBy(() -> fast.predict(new byte[784], 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBatchCutIntoPartsGivesWhatOneRunGivesRowForRow() {
        byte[] pixels = MnistFixture.test().rawPixels();
        var threeParts = new OnnxSettings(3, OnnxSettings.Parallelism.BATCH, false);
        try (var whole = OnnxExport.engine(trained, OnnxSettings.singleThreaded());
                var cut = OnnxExport.engine(trained, threeParts)) {
            for (int batch : new int[] {1, 2, 13, 100}) { // 1 and 2: one part; 13: parts of 5, 4 and 4
                float[] expected = whole.predict(pixels, batch);
                float[] actual = cut.predict(pixels, batch);
                assertThat(actual).hasSameSizeAs(expected);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i])
                            .as("batch %d, value %d", batch, i)
                            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .as("the other parts ran on the engine's helper threads")
                .anyMatch(thread -> thread.getName().startsWith(BatchHelpers.THREAD_PREFIX));
    }

    @Test
    void anInterruptedCallerStillWaitsForEveryPartAndKeepsItsInterrupt() {
        byte[] pixels = MnistFixture.test().rawPixels();
        try (var whole = OnnxExport.engine(trained, OnnxSettings.singleThreaded());
                var cut = OnnxExport.engine(trained, new OnnxSettings(2, OnnxSettings.Parallelism.BATCH, false))) {
            float[] expected = whole.predict(pixels, 64);
            Thread.currentThread().interrupt();
            float[] actual;
            try {
                actual = cut.predict(pixels, 64);
            } finally {
                assertThat(Thread.interrupted())
                        .as("the interrupt is kept for the caller")
                        .isTrue();
            }
            assertThat(actual).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void partsAreAsEqualAsCanBeAndCoverTheBatch() {
        for (int count : new int[] {1, 2, 7, 64, 129}) {
            for (int parts = 1; parts <= Math.min(4, count); parts++) {
                int total = 0;
                for (int part = 0; part < parts; part++) {
                    int size = OnnxEngine.partSize(count, parts, part);
                    assertThat(size).isBetween(count / parts, count / parts + 1);
                    total += size;
                }
                assertThat(total).isEqualTo(count);
            }
        }
    }
}
