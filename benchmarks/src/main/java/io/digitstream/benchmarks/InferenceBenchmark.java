package io.digitstream.benchmarks;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.dl4j.JavaMaxPooling;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.onnx.OnnxExport;
import io.digitstream.model.onnx.OnnxInt8Models;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.onnx.OnnxSettings.Parallelism;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.TrainingFacts;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingListener;
import java.util.Arrays;
import org.nd4j.linalg.learning.config.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One call of an engine on a batch of real digits (fixture test images). A score in calls/s times
 * the batch size is images/s; {@link InferenceBench} runs this and prints that table.
 */
@State(Scope.Benchmark)
public class InferenceBenchmark {
    /**
     * dl4j: the reference, as the classifier runs it; dl4j-own-pooling: the same with Deeplearning4j's
     * own pooling layers instead of {@link JavaMaxPooling}; onnx: as the classifier runs it (a thread
     * per core, the default parallelism); onnx-by-operator: the cores shared out by ONNX Runtime per
     * operator; onnx-spinning: the same with idle threads spinning; onnx-one-thread: one thread;
     * onnx-int8: the int8 graph derived from the float32 one, as {@code --engine onnx-int8} serves it;
     * onnx-int8-by-operator: that graph with the cores shared per operator.
     */
    @Param({"dl4j", "onnx", "onnx-spinning"})
    public String engine;

    @Param({"1", "32", "128", "512"})
    public int batch;

    private InferenceEngine inference;
    private byte[] pixels;

    @Setup(Level.Trial)
    public void setUp() {
        // speed does not depend on the weights' values, only on the network's shape
        var network = ReferenceCnn.create(777, new Adam(1e-3));
        int cores = Runtime.getRuntime().availableProcessors();
        inference = switch (engine) {
            case "dl4j" -> new Dl4jEngine(network);
            case "dl4j-own-pooling" -> new Dl4jEngine(ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3)));
            case "onnx" -> OnnxExport.engine(network, OnnxSettings.forStreaming());
            case "onnx-by-operator" -> OnnxExport.engine(network, new OnnxSettings(cores, Parallelism.OPERATOR, false));
            case "onnx-spinning" -> OnnxExport.engine(network, new OnnxSettings(cores, Parallelism.OPERATOR, true));
            case "onnx-one-thread" -> OnnxExport.engine(network, OnnxSettings.singleThreaded());
            case "onnx-int8" -> int8(OnnxSettings.forStreaming());
            case "onnx-int8-by-operator" -> int8(new OnnxSettings(cores, Parallelism.OPERATOR, false));
            default -> throw new IllegalArgumentException("unknown engine " + engine);
        };
        MnistDataset test = MnistFixture.test();
        pixels = Arrays.copyOf(test.rawPixels(), batch * Mnist.PIXELS);
    }

    /**
     * The int8 engine on a briefly trained network: int8 serves only where it reads the canary as
     * float32 does, which an untrained network's near-uniform outputs need not; and a float32
     * fallback must not be timed under int8's name.
     */
    private static InferenceEngine int8(OnnxSettings settings) {
        var snapshot = brieflyTrained();
        InferenceEngine engine = new OnnxInt8Models(settings)
                .load(snapshot.header(), snapshot.payload())
                .orElseThrow();
        if (!engine.name().equals(OnnxInt8Models.NAME)) {
            engine.close();
            throw new IllegalStateException(
                    "the int8 graph did not serve: " + engine.note().orElse(""));
        }
        return engine;
    }

    /** The reference network after one seed-recipe epoch on 2,000 fixture images, as a snapshot. */
    public static ModelSnapshot brieflyTrained() {
        return Dl4jSnapshots.snapshot(
                new Trainer(Recipe.SEED.withEpochs(1), 0)
                        .train(MnistFixture.train().slice(0, 2000), new TrainingListener() {}),
                "mnist-cnn",
                1,
                new TrainingFacts("benchmark", 0, 0, null, null));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inference.close();
    }

    @Benchmark
    public float[] predict() {
        return inference.predict(pixels, batch);
    }
}
