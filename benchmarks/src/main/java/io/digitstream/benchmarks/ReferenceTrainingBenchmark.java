package io.digitstream.benchmarks;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.schemas.Mnist;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One training step of the reference network (batch 100 of fixture images, Adam 0.001) three ways,
 * so the trainer's speed is a ratio measured on one machine in one run: figures from other days and
 * other CPUs cannot be compared, the ratios between these three can.
 *
 * <ul>
 *   <li>{@code digitstream}: as the trainer runs (oneDNN natives and layer helpers, {@link
 *       ReferenceCnn#create}'s layers, {@link Dl4jRuntime#tuneForTraining}).</li>
 *   <li>{@code pytorch}: the same network on libtorch through DJL ({@link PyTorchReferenceCnn}).</li>
 *   <li>{@code stock-dl4j}: Deeplearning4j M2.1 as shipped: ND4J's generic natives (nd4j-native
 *       brings them beside the oneDNN build), its own layers, layer helpers disabled.</li>
 * </ul>
 * Scores are images/s. Each trial runs in a JVM of its own (a JMH fork), so a setup's natives and
 * threads never meet another's.
 */
@State(Scope.Benchmark)
public class ReferenceTrainingBenchmark {
    @Param({"digitstream", "pytorch", "stock-dl4j"})
    public String setup;

    private MultiLayerNetwork network;
    private DataSet[] batches;
    private PyTorchReferenceCnn pytorch;
    private float[][] pixels;
    private float[][] labels;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        switch (setup) {
            case "digitstream" -> {
                network = ReferenceCnn.create(777, new Adam(1e-3));
                Dl4jRuntime.tuneForTraining(network);
                batches = TrainingBenchmark.fixtureBatches();
            }
            case "pytorch" -> {
                pytorch = new PyTorchReferenceCnn(TrainingBenchmark.BATCH);
                System.out.println("engine: " + PyTorchReferenceCnn.engineDescription());
                fixtureArrays();
            }
            case "stock-dl4j" -> {
                // before ND4J loads (this JVM is a fresh fork)
                System.setProperty(Dl4jRuntime.EXTENSION_PROPERTY, "");
                System.setProperty(Dl4jRuntime.HELPERS_DISABLED_PROPERTY, "true");
                network = ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3));
                if (NativeOpsHolder.getInstance()
                        .getDeviceNativeOps()
                        .buildInfo()
                        .contains("HAVE_ONEDNN")) {
                    throw new IllegalStateException(
                            "stock-dl4j needs ND4J's generic natives for this platform on the classpath");
                }
                batches = TrainingBenchmark.fixtureBatches();
            }
            default -> throw new IllegalArgumentException("setup: digitstream, pytorch or stock-dl4j, not " + setup);
        }
    }

    /** The fixture's batches as plain arrays, in the order {@link TrainingBenchmark#fixtureBatches} has them. */
    private void fixtureArrays() {
        MnistDataset train = MnistFixture.train();
        int count = train.size() / TrainingBenchmark.BATCH;
        pixels = new float[count][];
        labels = new float[count][TrainingBenchmark.BATCH];
        for (int b = 0; b < count; b++) {
            int from = b * TrainingBenchmark.BATCH * Mnist.PIXELS;
            pixels[b] = MnistTranslator.input(
                    Arrays.copyOfRange(train.rawPixels(), from, from + TrainingBenchmark.BATCH * Mnist.PIXELS),
                    TrainingBenchmark.BATCH);
            for (int i = 0; i < TrainingBenchmark.BATCH; i++) {
                labels[b][i] = train.label(b * TrainingBenchmark.BATCH + i);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(TrainingBenchmark.BATCH)
    public double fit() {
        if (pytorch != null) {
            int b = next++ % pixels.length;
            pytorch.step(pixels[b], labels[b]);
            return b;
        }
        return TrainingBenchmark.fitNext(network, batches, next++);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pytorch != null) {
            pytorch.close();
        }
    }
}
