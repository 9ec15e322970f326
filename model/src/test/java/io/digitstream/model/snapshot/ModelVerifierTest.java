package io.digitstream.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ModelVerifierTest {
    private static final TrainingFacts FACTS = new TrainingFacts("test", 0, 0, null, null);
    private static ModelVerifier verifier;

    @BeforeAll
    static void setUp() {
        verifier = new ModelVerifier();
    }

    @Test
    void theReferenceHasTheParameterCountOfTheSpec() {
        assertThat(ReferenceCnn.create(777, new Adam(1e-3)).numParams()).isEqualTo(ReferenceCnn.PARAMETERS);
    }

    @Test
    void aSnapshotRestoresToAModelWithTheSameOutputs() {
        MultiLayerNetwork network = ReferenceCnn.create(777, new Adam(1e-3));
        ModelSnapshot snapshot = Dl4jSnapshots.snapshot(network, "mnist-cnn", 1, FACTS);
        byte[] pixels = Arrays.copyOf(MnistFixture.test().rawPixels(), 64 * 784);

        float[] expected = new Dl4jEngine(network).predict(pixels, 64);
        Decoded<LoadedModel> loaded = verifier.verify(snapshot);

        assertThat(loaded).isInstanceOf(Decoded.Valid.class);
        try (LoadedModel model = loaded.orElseThrow()) {
            assertThat(model.version()).isEqualTo(1);
            assertThat(model.engine().predict(pixels, 64)).containsExactly(expected);
            // scored on the holdout, the whole fixture test set, as the network itself scores there
            assertThat(model.holdout().examples()).isEqualTo(Holdout.DEFAULT_SIZE);
            assertThat(model.holdout().accuracy())
                    .isEqualTo(Evaluation.of(new Dl4jEngine(network), MnistFixture.test(), 500)
                            .accuracy());
        }
        assertThat(snapshot.payload().length).as("no updater state").isLessThan(300_000);
    }

    @Test
    void verifyingLeavesTheCallersOpenMpThreadsAsTheyWere() {
        ModelSnapshot snapshot =
                Dl4jSnapshots.snapshot(ReferenceCnn.create(777, new Adam(1e-3)), "mnist-cnn", 1, FACTS);
        int original = Dl4jRuntime.openMpThreadsOfThisThread(3);
        try {
            verifier.verify(snapshot).orElseThrow().close();

            assertThat(Dl4jRuntime.openMpThreadsOfThisThread(3)).isEqualTo(3);
        } finally {
            Dl4jRuntime.openMpThreadsOfThisThread(original);
        }
    }

    @Test
    void nanWeightsAreRejected() {
        MultiLayerNetwork network = ReferenceCnn.create(777, new Adam(1e-3));
        network.params().putScalar(5, Double.NaN);

        assertThat(codeOf(verifier.verify(Dl4jSnapshots.snapshot(network, "mnist-cnn", 2, FACTS))))
                .isEqualTo(ErrorCode.MODEL_WEIGHTS_INVALID);
    }

    @Test
    void aModelWithFiveOutputsIsRejected() {
        var conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(16)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(5)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(784))
                .build();
        var network = new MultiLayerNetwork(conf);
        network.init();

        assertThat(codeOf(verifier.verify(Dl4jSnapshots.snapshot(network, "mnist-cnn", 3, FACTS))))
                .isEqualTo(ErrorCode.MODEL_SHAPE_MISMATCH);
    }

    @Test
    void aModelForAnotherInputSizeIsRejected() {
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
                .setInputType(InputType.feedForward(32 * 32))
                .build();
        var network = new MultiLayerNetwork(conf);
        network.init();

        assertThat(codeOf(verifier.verify(Dl4jSnapshots.snapshot(network, "mnist-cnn", 4, FACTS))))
                .isEqualTo(ErrorCode.MODEL_SHAPE_MISMATCH);
    }

    @Test
    void aPayloadThatIsNotAModelIsRejected() {
        byte[] garbage = "not a zip at all".getBytes();
        var header = new SnapshotHeader(
                "mnist-cnn",
                5L,
                0L,
                SnapshotHeader.DL4J_MODEL_ZIP,
                SnapshotCodec.sha256Hex(garbage),
                List.of(1, 28, 28),
                10,
                FACTS);

        assertThat(codeOf(verifier.verify(new ModelSnapshot(header, garbage)))).isEqualTo(ErrorCode.MODEL_UNLOADABLE);
    }

    @Test
    void aHeaderDeclaringAnotherShapeIsRejectedBeforeLoading() {
        byte[] payload = Dl4jSnapshots.serialize(ReferenceCnn.create(777, new Adam(1e-3)));
        var header = new SnapshotHeader(
                "mnist-cnn",
                6L,
                0L,
                SnapshotHeader.DL4J_MODEL_ZIP,
                SnapshotCodec.sha256Hex(payload),
                List.of(3, 32, 32),
                10,
                FACTS);

        assertThat(codeOf(verifier.verify(new ModelSnapshot(header, payload))))
                .isEqualTo(ErrorCode.MODEL_SHAPE_MISMATCH);
    }

    @Test
    void aClosedEngineRefusesWork() {
        var engine = new Dl4jEngine(ReferenceCnn.create(777, new Adam(1e-3)));
        engine.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.predict(new byte[784], 1))
                .isInstanceOf(IllegalStateException.class);
    }

    private static ErrorCode codeOf(Decoded<LoadedModel> decoded) {
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        return ((Decoded.Invalid<LoadedModel>) decoded).code();
    }
}
