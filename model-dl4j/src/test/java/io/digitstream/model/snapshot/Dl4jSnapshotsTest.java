package io.digitstream.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/** The trainer's side of a snapshot: a graph that serves what the network computes, or nothing signed. */
class Dl4jSnapshotsTest {
    private static final TrainingFacts FACTS = new TrainingFacts("test", 0, 0, null, null);
    private static ModelVerifier verifier;

    @BeforeAll
    static void setUp() {
        verifier = OnnxModels.singleThreadedVerifier(Holdout.fixture(Holdout.DEFAULT_SIZE));
    }

    @Test
    void theReferenceHasTheParameterCountOfTheSpec() {
        assertThat(ReferenceCnn.create(777, new Adam(1e-3)).numParams()).isEqualTo(ReferenceCnn.PARAMETERS);
    }

    @Test
    void aSnapshotsGraphServesWhatTheNetworkComputes() {
        MultiLayerNetwork network = ReferenceCnn.create(777, new Adam(1e-3));
        ModelSnapshot snapshot = Dl4jSnapshots.snapshot(network, "mnist-cnn", 1, FACTS);
        byte[] pixels = Arrays.copyOf(MnistFixture.test().rawPixels(), 64 * 784);

        float[] expected = new Dl4jEngine(network).predict(pixels, 64);
        Decoded<LoadedModel> loaded = verifier.verify(snapshot);

        assertThat(loaded).isInstanceOf(Decoded.Valid.class);
        try (LoadedModel model = loaded.orElseThrow()) {
            assertThat(model.version()).isEqualTo(1);
            float[] served = model.engine().predict(pixels, 64);
            for (int i = 0; i < expected.length; i++) {
                assertThat(served[i]).isCloseTo(expected[i], within((float) Dl4jSnapshots.PARITY_TOLERANCE));
            }
            // scored on the holdout, the whole fixture test set, as the network itself scores there
            assertThat(model.holdout().examples()).isEqualTo(Holdout.DEFAULT_SIZE);
            assertThat(model.holdout().accuracy())
                    .isEqualTo(Evaluation.of(new Dl4jEngine(network), MnistFixture.test(), 500)
                            .accuracy());
        }
        assertThat(snapshot.payload().length)
                .as("the weights, once")
                .isLessThan((int) ReferenceCnn.PARAMETERS * 4 + 4096);
    }

    @Test
    void aNetworkWithANanWeightIsNeverMadeASnapshot() {
        MultiLayerNetwork network = ReferenceCnn.create(777, new Adam(1e-3));
        network.params().putScalar(5, Double.NaN);

        assertThatThrownBy(() -> Dl4jSnapshots.snapshot(network, "mnist-cnn", 2, FACTS))
                .hasMessageContaining("NaN");
    }

    @Test
    void aCheckpointRoundTripsThroughItsZip() {
        MultiLayerNetwork network = ReferenceCnn.create(777, new Adam(1e-3));
        byte[] pixels = Arrays.copyOf(MnistFixture.test().rawPixels(), 8 * 784);

        MultiLayerNetwork restored =
                Dl4jSnapshots.restore(Dl4jSnapshots.serialize(network)).orElseThrow();

        assertThat(new Dl4jEngine(restored).predict(pixels, 8))
                .containsExactly(new Dl4jEngine(network).predict(pixels, 8));
    }

    @Test
    void aHeaderDeclaringAnotherShapeIsRejectedBeforeLoading() {
        byte[] payload = Dl4jSnapshots.snapshot(ReferenceCnn.create(777, new Adam(1e-3)), "mnist-cnn", 6, FACTS)
                .payload();
        var header = new SnapshotHeader(
                "mnist-cnn",
                6L,
                0L,
                SnapshotHeader.ONNX_GRAPH,
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
