package io.digitstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.snapshot.HostileZips;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.model.snapshot.Tripwire;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelOutput;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Graph admission, case by case: each refusal its own code and a reason naming the problem. */
class OnnxGraphTest {

    private static Decoded.Invalid<OnnxGraph> refused(byte[] graph) {
        Decoded<OnnxGraph> decoded = OnnxGraph.admit(graph);
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        var invalid = (Decoded.Invalid<OnnxGraph>) decoded;
        assertThat(invalid.reason()).isNotBlank().doesNotContain("Exception");
        return invalid;
    }

    @Test
    void aPlainDenseGraphIsAdmittedWithItsNamesAndOperators() {
        OnnxGraph graph = OnnxGraph.admit(OnnxGraphs.nearestMean()).orElseThrow();
        assertThat(graph.inputName()).isEqualTo("image");
        assertThat(graph.outputName()).isEqualTo("probabilities");
        assertThat(graph.operators()).containsExactly("Flatten", "Gemm", "Softmax");
        assertThat(graph.firstConvolution()).as("no convolution to show").isEmpty();
    }

    @Test
    void anOperatorOffTheAllowlistIsRefused() {
        var invalid = refused(OnnxGraphs.withOperator("RandomNormalLike"));
        assertThat(invalid.code()).isEqualTo(ErrorCode.GRAPH_OPERATOR_FORBIDDEN);
        assertThat(invalid.reason()).contains("RandomNormalLike");
        assertThat(refused(OnnxGraphs.withOperator("Loop")).code()).isEqualTo(ErrorCode.GRAPH_OPERATOR_FORBIDDEN);
    }

    @Test
    void anOperatorOfAnotherDomainIsRefusedEvenWithAnAllowedName() {
        var invalid = refused(OnnxGraphs.withForeignDomain());
        assertThat(invalid.code()).isEqualTo(ErrorCode.GRAPH_OPERATOR_FORBIDDEN);
        assertThat(invalid.reason()).contains("com.example.evil");
    }

    @Test
    void anOpsetOutsideTheSupportedRangeIsRefused() {
        assertThat(OnnxGraph.admit(OnnxGraphs.atOpset(13)).isValid()).isTrue();
        assertThat(refused(OnnxGraphs.atOpset(1)).code()).isEqualTo(ErrorCode.GRAPH_OPERATOR_FORBIDDEN);
        assertThat(refused(OnnxGraphs.atOpset(99)).code()).isEqualTo(ErrorCode.GRAPH_OPERATOR_FORBIDDEN);
    }

    @Test
    void aHugeInitializerIsRefusedFromItsDeclaredShapeBeforeAnythingAllocatesIt() {
        var invalid = refused(OnnxGraphs.withDeclaredInitializer(OnnxGraph.MAX_TENSOR_ELEMENTS + 1));
        assertThat(invalid.code()).isEqualTo(ErrorCode.GRAPH_INITIALIZER_TOO_LARGE);
        assertThat(invalid.reason()).contains("huge");
        // within the bound but holding less than it declares: malformed, not too large
        assertThat(refused(OnnxGraphs.withDeclaredInitializer(1000)).code()).isEqualTo(ErrorCode.MODEL_UNLOADABLE);
    }

    @Test
    void externalDataIsRefusedBeforeAnyFileIsNamedToOnnxRuntime() {
        var invalid = refused(OnnxGraphs.withExternalBias());
        assertThat(invalid.code()).isEqualTo(ErrorCode.GRAPH_EXTERNAL_DATA);
        assertThat(invalid.reason()).contains("'b'");
    }

    @Test
    void aCycleIsRefused() {
        var invalid = refused(OnnxGraphs.withCycle());
        assertThat(invalid.code()).isEqualTo(ErrorCode.GRAPH_CYCLE);
        assertThat(invalid.reason()).contains("later node");
    }

    @Test
    void theContractsShapesAreChecked() {
        assertThat(refused(OnnxGraphs.dense(32, 10, 0.01f)).code()).isEqualTo(ErrorCode.MODEL_SHAPE_MISMATCH);
        var fiveClasses = refused(OnnxGraphs.dense(28, 5, 0.01f));
        assertThat(fiveClasses.code()).isEqualTo(ErrorCode.MODEL_SHAPE_MISMATCH);
        assertThat(fiveClasses.reason()).contains("[batch, 5]");
    }

    @Test
    void aNanWeightIsRefused() {
        assertThat(refused(OnnxGraphs.withNanWeight()).code()).isEqualTo(ErrorCode.MODEL_WEIGHTS_INVALID);
    }

    @Test
    void bytesThatAreNotOnnxAreUnloadableAndNothingInThemIsDeserialized() {
        assertThat(refused(new byte[] {1, 2, 3}).code()).isEqualTo(ErrorCode.MODEL_UNLOADABLE);
        assertThat(refused(new byte[0]).code()).isEqualTo(ErrorCode.MODEL_UNLOADABLE);
        assertThat(refused(HostileZips.carryingSerializedObject()).code()).isEqualTo(ErrorCode.MODEL_UNLOADABLE);
        assertThat(Tripwire.tripped()).isFalse();
    }

    @Test
    void aGraphOfLogitsServesTheSameProbabilitiesOnceTheEngineAppliesTheSoftmax() {
        byte[] pixels = Arrays.copyOf(MnistFixture.test().rawPixels(), 8 * Mnist.PIXELS);
        byte[] probabilities = OnnxGraphs.nearestMean();
        byte[] logits = OnnxGraphs.nearestMeanLogits();
        try (var expected = new OnnxEngine(
                        OnnxGraph.admit(probabilities).orElseThrow(),
                        probabilities,
                        OnnxSettings.singleThreaded(),
                        ModelOutput.PROBABILITIES);
                var actual = new OnnxEngine(
                        OnnxGraph.admit(logits).orElseThrow(),
                        logits,
                        OnnxSettings.singleThreaded(),
                        ModelOutput.LOGITS)) {
            float[] want = expected.predict(pixels, 8);
            float[] got = actual.predict(pixels, 8);
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).isCloseTo(want[i], within(1e-5f));
            }
        }
    }

    @Test
    void theLoaderServesAnAdmittedGraphThroughTheVerifierAndKeepsTheOldCodesForTheRest() {
        var verifier = OnnxModels.singleThreadedVerifier(Holdout.fixture(200));
        try (LoadedModel model =
                verifier.verify(snapshot(OnnxGraphs.nearestMean())).orElseThrow()) {
            Evaluation holdout = model.holdout();
            assertThat(holdout.accuracy()).isGreaterThan(0.7);
            assertThat(MnistTranslator.digit(
                            model.engine().predict(MnistFixture.test().image(0), 1), 0))
                    .isBetween(0, 9);
        }
        var refused = verifier.verify(snapshot(OnnxGraphs.withCycle()));
        assertThat(((Decoded.Invalid<LoadedModel>) refused).code()).isEqualTo(ErrorCode.GRAPH_CYCLE);
    }

    private static ModelSnapshot snapshot(byte[] graph) {
        return ModelSnapshot.ofGraph(
                "mnist-cnn", 1L, graph, new TrainingFacts("test", 0, 0, null, null), ModelOutput.PROBABILITIES);
    }
}
