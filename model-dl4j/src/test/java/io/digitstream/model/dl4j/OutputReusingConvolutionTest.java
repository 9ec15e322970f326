package io.digitstream.model.dl4j;

import static io.digitstream.model.dl4j.Gradients.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The convolution that reuses its forward output gives the same gradients and the same training
 * run as Deeplearning4j's, which computes the convolution again in its backward pass.
 */
class OutputReusingConvolutionTest {
    private static final int BATCH = 100;

    private final MnistDataset train = MnistFixture.train();
    private final int[] order = IntStream.range(0, train.size()).toArray();

    /** The reference network with only the pooling replaced: Deeplearning4j's own convolutions. */
    private static MultiLayerNetwork deeplearning4jConvolutions() {
        return JavaMaxPooling.install(ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3)));
    }

    @Test
    void theReferenceCnnAndRestoredSnapshotsReuseTheForwardOutput() throws Exception {
        var network = ReferenceCnn.create(777, new Adam(1e-3));

        assertThat(OutputReusingConvolution.countIn(deeplearning4jConvolutions()))
                .isZero();
        assertThat(OutputReusingConvolution.countIn(network)).isEqualTo(2);
        assertThat(OutputReusingConvolution.countIn(Dl4jRuntime.withFasterLayers(network)))
                .isEqualTo(2);
        String name = network.getLayer(2).conf().getLayer().getLayerName();
        assertThat(network.getLayer(name)).isSameAs(network.getLayer(2)).isInstanceOf(OutputReusingConvolution.class);
        assertThat(OutputReusingConvolution.countIn(
                        Dl4jSnapshots.restore(Dl4jSnapshots.serialize(network)).orElseThrow()))
                .isEqualTo(2);
    }

    @Test
    void onlyPlainReluConvolutionsAreReplaced() {
        var conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(3)
                        .padding(1, 1)
                        .activation(Activation.TANH)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(3)
                        .padding(1, 1)
                        .activation(Activation.LEAKYRELU)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(3)
                        .padding(1, 1)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1))
                .build();
        var network = new MultiLayerNetwork(conf);
        network.init();

        OutputReusingConvolution.install(network);

        assertThat(network.getLayers())
                .extracting(Layer::getClass)
                .map(Class::getSimpleName)
                .containsExactly("ConvolutionLayer", "ConvolutionLayer", "OutputReusingConvolution", "OutputLayer");
    }

    @Test
    void gradientsAreTheSame() {
        var plain = deeplearning4jConvolutions();
        var reusing = ReferenceCnn.create(777, new Adam(1e-3));
        var batch = batch(0);

        INDArray expected = Gradients.of(plain, batch);
        INDArray actual = Gradients.of(reusing, batch);

        assertThat(expected.amaxNumber().doubleValue()).isGreaterThan(0.0);
        assertThat(maxDifference(actual, expected)).isEqualTo(0.0);
    }

    @Test
    void aBackwardPassForAnotherInputThanTheLastForwardPassComputesItsOwn() {
        var plainNetwork = deeplearning4jConvolutions();
        var reusingNetwork = ReferenceCnn.create(777, new Adam(1e-3));
        plainNetwork.initGradientsView();
        reusingNetwork.initGradientsView();
        var plain = plainNetwork.getLayer(0);
        var reusing = reusingNetwork.getLayer(0);
        var workspaces = LayerWorkspaceMgr.noWorkspaces();
        INDArray first = Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28);
        INDArray second = Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28).subi(0.5);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, 4, 32, 28, 28).subi(0.5);

        reusing.setInput(first, workspaces);
        reusing.activate(true, workspaces);
        reusing.setInput(second, workspaces);
        INDArray actual = reusing.backpropGradient(epsilon.dup(), workspaces)
                .getFirst()
                .gradient()
                .dup();
        assertThat(((OutputReusingConvolution) reusing).reusingBackwardPasses()).isZero();
        plain.setInput(second, workspaces);
        INDArray expected =
                plain.backpropGradient(epsilon.dup(), workspaces).getFirst().gradient();

        assertThat(expected.amaxNumber().doubleValue()).isGreaterThan(0.0);
        assertThat(maxDifference(actual, expected)).isEqualTo(0.0);
    }

    @Test
    void trainingFollowsTheSamePath() {
        var plain = deeplearning4jConvolutions();
        var reusing = ReferenceCnn.create(777, new Adam(1e-3));
        for (int b = 0; b < 5; b++) {
            plain.fit(batch(b));
            reusing.fit(batch(b));
        }

        assertThat(reusing.score()).isEqualTo(plain.score());
        assertThat(maxDifference(reusing.params(), plain.params())).isEqualTo(0.0);
        // both convolutions took the reusing path on every step (a fallback would be just as exact)
        assertThat(((OutputReusingConvolution) reusing.getLayer(0)).reusingBackwardPasses())
                .isEqualTo(5);
        assertThat(((OutputReusingConvolution) reusing.getLayer(2)).reusingBackwardPasses())
                .isEqualTo(5);
    }

    private DataSet batch(int index) {
        return new DataSet(
                TrainingBatches.features(train, order, index * BATCH, BATCH),
                TrainingBatches.oneHotLabels(train, order, index * BATCH, BATCH));
    }
}
