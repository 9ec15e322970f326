package io.digitstream.model.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.onnx.OnnxGraph;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The console's feature maps, read from the ONNX graph, against Deeplearning4j's first layer. */
class FirstConvolutionTest {

    @Test
    void featureMapsAreWhatDeeplearning4jComputesForTheFirstLayer() {
        MultiLayerNetwork network = ReferenceCnn.create(777, new Adam(1e-3));
        // a zero bias would hide a bias mix-up: give every kernel its own
        INDArray bias = network.getLayer(0).getParam("b");
        for (int k = 0; k < bias.length(); k++) {
            bias.putScalar(k, 0.01 * (k - 16));
        }
        // out of the snapshot's graph, as the console gets it
        var snapshot = Dl4jSnapshots.snapshot(network, "mnist-cnn", 1, new TrainingFacts("test", 0, 0, null, null));
        FirstConvolution conv = OnnxGraph.admit(snapshot.payload())
                .orElseThrow()
                .firstConvolution()
                .orElseThrow();
        MultiLayerNetwork restored = network;
        assertThat(conv.kernels()).isEqualTo(32);

        byte[] image = Arrays.copyOfRange(MnistFixture.test().rawPixels(), 3 * Mnist.PIXELS, 4 * Mnist.PIXELS);
        float[][] maps = conv.featureMaps(image);

        INDArray input = Nd4j.create(MnistTranslator.input(image, 1), new long[] {1, Mnist.PIXELS}, DataType.FLOAT);
        INDArray expected = restored.feedForward(input, false).get(1); // [1, 32, 28, 28] after ReLU
        float maxActivation = 0;
        for (int k = 0; k < 32; k++) {
            for (int y = 0; y < Mnist.SIDE; y++) {
                for (int x = 0; x < Mnist.SIDE; x++) {
                    float want = expected.getFloat(0, k, y, x);
                    maxActivation = Math.max(maxActivation, want);
                    assertThat(maps[k][y * Mnist.SIDE + x])
                            .as("kernel %d at (%d, %d)", k, y, x)
                            .isCloseTo(want, within(1e-5f));
                }
            }
        }
        assertThat(maxActivation).isGreaterThan(0.1f);
    }

    @Test
    void refusesAnImageOfTheWrongSize() {
        var conv = new FirstConvolution(new float[9], new float[1]);
        assertThatThrownBy(() -> conv.featureMaps(new byte[100])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FirstConvolution(new float[8], new float[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
