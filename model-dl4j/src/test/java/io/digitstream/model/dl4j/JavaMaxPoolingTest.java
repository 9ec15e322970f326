package io.digitstream.model.dl4j;

import static io.digitstream.model.dl4j.Gradients.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The Java pooling gives the same numbers as the pooling it replaces, forward, backward and in training. */
class JavaMaxPoolingTest {
    private static final int BATCH = 100;

    private final MnistDataset train = MnistFixture.train();

    /**
     * Deeplearning4j's network with only its pooling layers replaced, so these comparisons hold the
     * pooling alone to account ({@link ReferenceCnn#create} also replaces the convolutions).
     */
    private static MultiLayerNetwork javaPoolingOnly() {
        return JavaMaxPooling.install(ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3)));
    }

    private final int[] order = IntStream.range(0, train.size()).toArray();

    @Test
    void theReferenceCnnAndRestoredSnapshotsPoolInJava() throws Exception {
        var plain = ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3));
        var java = ReferenceCnn.create(777, new Adam(1e-3));

        assertThat(JavaMaxPooling.countIn(plain)).isZero();
        assertThat(JavaMaxPooling.countIn(java)).isEqualTo(2);
        assertThat(JavaMaxPooling.countIn(JavaMaxPooling.install(java))).isEqualTo(2);
        String name = java.getLayer(1).conf().getLayer().getLayerName(); // the name Deeplearning4j gave it
        assertThat(java.getLayer(name)).isSameAs(java.getLayer(1)).isInstanceOf(JavaMaxPooling.class);
        assertThat(JavaMaxPooling.countIn(
                        Dl4jSnapshots.restore(Dl4jSnapshots.serialize(java)).orElseThrow()))
                .isEqualTo(2);
    }

    @Test
    void bothPoolingLayersOfTheReferenceCnnTakeTheJavaPath() {
        var java = ReferenceCnn.create(777, new Adam(1e-3));
        List<INDArray> activations = java.feedForward(TrainingBatches.features(train, order, 0, 8), false);

        // activations.get(i) is the input of layer i: the two pooling layers are 1 and 3
        assertThat(JavaMaxPooling.takesJavaPath(activations.get(1))).isTrue();
        assertThat(JavaMaxPooling.takesJavaPath(activations.get(3))).isTrue();
        assertThat(JavaMaxPooling.takesJavaPath(activations.get(1).permute(0, 2, 3, 1)))
                .isFalse();
    }

    @Test
    void aViewIntoALargerArrayPoolsItsOwnElements() {
        var plain = ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3));
        var java = javaPoolingOnly();
        INDArray batch = Nd4j.rand(DataType.FLOAT, 6, 32, 28, 28);
        INDArray view =
                batch.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        assertThat(view.offset()).isPositive();
        assertThat(JavaMaxPooling.takesJavaPath(view)).isTrue();
        var workspaces = LayerWorkspaceMgr.noWorkspaces();

        plain.getLayer(1).setInput(view.dup(), workspaces);
        INDArray expected = plain.getLayer(1).activate(false, workspaces);
        java.getLayer(1).setInput(view, workspaces);
        INDArray actual = java.getLayer(1).activate(false, workspaces);

        assertThat(maxDifference(actual, expected)).isEqualTo(0.0);
    }

    @Test
    void oddSizedInputsPoolAsDeeplearning4jDoes() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .updater(new Adam(1e-3))
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(3)
                        .padding(1, 1)
                        .activation(Activation.TANH)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(9, 7, 1))
                .build();
        var plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        var java = new MultiLayerNetwork(conf.clone());
        java.init();
        JavaMaxPooling.install(java);
        INDArray features = Nd4j.rand(DataType.FLOAT, 4, 63);
        INDArray labels = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {0, 1}, {1, 0}});

        assertThat(maxDifference(java.output(features, false), plain.output(features, false)))
                .isEqualTo(0.0);
        INDArray expected = Gradients.of(plain, new DataSet(features, labels));
        INDArray actual = Gradients.of(java, new DataSet(features, labels));
        assertThat(JavaMaxPooling.countIn(java)).isEqualTo(1);
        assertThat(maxDifference(actual, expected)).isEqualTo(0.0);
    }

    @Test
    void inferenceGivesTheSameProbabilities() {
        var plain = ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3));
        var java = javaPoolingOnly();
        INDArray features = TrainingBatches.features(train, order, 0, 37); // 37: planes not a multiple of a task

        INDArray expected = plain.output(features, false);
        INDArray actual = java.output(features, false);

        assertThat(actual.shape()).isEqualTo(expected.shape());
        assertThat(maxDifference(actual, expected)).isEqualTo(0.0);
    }

    @Test
    void gradientsAreTheSame() {
        var plain = ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3));
        var java = javaPoolingOnly();
        var batch = new DataSet(
                TrainingBatches.features(train, order, 0, BATCH), TrainingBatches.oneHotLabels(train, order, 0, BATCH));

        INDArray expected = Gradients.of(plain, batch);
        INDArray actual = Gradients.of(java, batch);

        assertThat(expected.amaxNumber().doubleValue()).isGreaterThan(0.0);
        assertThat(maxDifference(actual, expected)).isEqualTo(0.0);
    }

    @Test
    void trainingFollowsTheSamePath() {
        MultiLayerNetwork plain = ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3));
        MultiLayerNetwork java = javaPoolingOnly();
        for (int b = 0; b < 5; b++) {
            var batch = new DataSet(
                    TrainingBatches.features(train, order, b * BATCH, BATCH),
                    TrainingBatches.oneHotLabels(train, order, b * BATCH, BATCH));
            plain.fit(batch);
            java.fit(batch);
        }

        assertThat(java.score()).isEqualTo(plain.score());
        assertThat(maxDifference(java.params(), plain.params())).isEqualTo(0.0);
    }
}
