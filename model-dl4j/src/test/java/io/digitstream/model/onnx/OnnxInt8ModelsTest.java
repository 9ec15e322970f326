package io.digitstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelOutput;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 engine on the exported reference CNN: its graph runs the deep convolution in int8, reads
 * the fixture's test images as float32 does, and gives way to float32 when the canary says so.
 */
class OnnxInt8ModelsTest {
    private static ModelSnapshot snapshot;

    @BeforeAll
    static void export() {
        snapshot = Dl4jSnapshots.snapshot(
                BrieflyTrained.network(), "mnist-cnn", 1, new TrainingFacts("test", 0, 0, null, null));
    }

    private static InferenceEngine load(OnnxInt8Models loader) {
        return loader.load(snapshot.header(), snapshot.payload()).orElseThrow();
    }

    private static Int8Graph.Derived derived() {
        return (Int8Graph.Derived) Int8Graph.derive(
                OnnxGraph.admit(snapshot.payload()).orElseThrow(),
                snapshot.payload(),
                java.util.Arrays.copyOf(MnistFixture.train().rawPixels(), 64 * Mnist.PIXELS),
                64);
    }

    @Test
    void theDeepConvolutionRunsInInt8AndTheShallowOneAndTheRestStayFloat() {
        var derived = derived();

        // the first convolution's dot products are 9 long (1 channel, 3x3), under Int8Graph.MIN_DEPTH
        assertThat(derived.convolutions()).isEqualTo(1);
        assertThat(OnnxGraph.admit(derived.model()).orElseThrow().operators())
                .containsExactly(
                        "Conv",
                        "Relu",
                        "MaxPool",
                        // quantized by way of NHWC, where ONNX Runtime runs the int8 convolution
                        "Transpose",
                        "Reshape",
                        "QuantizeLinear",
                        "Transpose",
                        "QLinearConv",
                        "MaxPool",
                        // flattened in NHWC order: ONNX Runtime's NHWC int8 pool needs no transpose back
                        "Transpose",
                        "DequantizeLinear",
                        "Reshape",
                        "Gemm",
                        "Softmax");
    }

    /**
     * What ONNX Runtime runs, after its own passes: the float32 convolution's blocked output is
     * reordered straight to NHWC, and no transpose is left. With the quantization written in NCHW,
     * a transpose of the uint8 activations stayed, after a reorder to NCHW: a quarter of the time.
     * (The blocked layout needs AVX2, which every machine this project runs on has.)
     */
    @Test
    void onnxRuntimeRunsTheInt8GraphWithoutTransposingActivations(@TempDir Path dir) throws Exception {
        Path optimized = dir.resolve("optimized.onnx");
        try (var options = OnnxEngine.sessionOptions(OnnxSettings.singleThreaded())) {
            options.setOptimizedModelFilePath(optimized.toString());
            OnnxEngine.environment().createSession(derived().model(), options).close();
        }
        assertThat(RawGraph.of(Files.readAllBytes(optimized)).nodes.stream().map(RawGraph.Node::op))
                .contains("ReorderOutput", "QLinearConv")
                .doesNotContain("Transpose");
    }

    @Test
    void onTheFixtureInt8ReadsAlmostEveryImageAsFloat32AndScoresAsWell() {
        MnistDataset test = MnistFixture.test();
        try (InferenceEngine int8 = load(new OnnxInt8Models(OnnxSettings.singleThreaded()));
                InferenceEngine float32 = new OnnxModels(OnnxSettings.singleThreaded())
                        .load(snapshot.header(), snapshot.payload())
                        .orElseThrow()) {
            assertThat(int8.name()).isEqualTo("onnx-int8");
            assertThat(int8.note()).hasValueSatisfying(note -> assertThat(note).startsWith("int8: 1 convolution(s)"));

            float[] exact = float32.predict(test.rawPixels(), test.size());
            float[] quantized = int8.predict(test.rawPixels(), test.size());
            int same = 0;
            for (int image = 0; image < test.size(); image++) {
                if (MnistTranslator.digit(exact, image) == MnistTranslator.digit(quantized, image)) {
                    same++;
                }
            }
            assertThat(same).isGreaterThanOrEqualTo(995); // of 1,000
            double float32Accuracy = Evaluation.of(float32, test, 100).accuracy();
            assertThat(Evaluation.of(int8, test, 100).accuracy())
                    .isCloseTo(float32Accuracy, org.assertj.core.data.Offset.offset(0.005));
        }
    }

    @Test
    void whenTheCanaryReadsOtherwiseFloat32ServesAndTheNoteSaysWhy() {
        // no tolerance at all: int8 never matches float32 to the last bit
        try (InferenceEngine engine = load(new OnnxInt8Models(OnnxSettings.singleThreaded(), 0f))) {
            assertThat(engine.name()).isEqualTo("onnx");
            assertThat(engine.note())
                    .hasValueSatisfying(
                            note -> assertThat(note).startsWith("float32: the int8 graph was refused, canary image"));
        }
    }

    @Test
    void aGraphWithoutConvolutionsServesInFloat32AndSaysSo() {
        byte[] dense = OnnxProto.model("test", 13, denseGraph());
        var noConvolution = ModelSnapshot.ofGraph(
                "mnist-cnn", 2, dense, new TrainingFacts("test", 0, 0, null, null), ModelOutput.PROBABILITIES);
        try (InferenceEngine engine = new OnnxInt8Models(OnnxSettings.singleThreaded())
                .load(noConvolution.header(), noConvolution.payload())
                .orElseThrow()) {
            assertThat(engine.name()).isEqualTo("onnx");
            assertThat(engine.note())
                    .hasValue(
                            "float32: no int8 graph (the graph has no convolution with weights of its own to run in int8)");
        }
    }

    /** Flatten, one dense layer, softmax: a graph with nothing for int8 to do. */
    private static ProtoWriter denseGraph() {
        float[] w = new float[Mnist.PIXELS * Mnist.CLASSES];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) * 0.01f;
        }
        var graph = new ProtoWriter();
        graph.message(5, OnnxProto.floatTensor("W", new long[] {Mnist.PIXELS, Mnist.CLASSES}, w));
        graph.message(5, OnnxProto.floatTensor("b", new long[] {Mnist.CLASSES}, new float[Mnist.CLASSES]));
        graph.message(1, OnnxProto.node("Flatten", new String[] {"x"}, "flat"));
        graph.message(1, OnnxProto.node("Gemm", new String[] {"flat", "W", "b"}, "logits"));
        graph.message(1, OnnxProto.node("Softmax", new String[] {"logits"}, "p", OnnxProto.integer("axis", 1)));
        graph.message(11, OnnxProto.valueInfo("x", 1, Mnist.SIDE, Mnist.SIDE));
        graph.message(12, OnnxProto.valueInfo("p", Mnist.CLASSES));
        return graph;
    }
}
