package io.digitstream.benchmarks;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.dl4j.JavaMaxPooling;
import io.digitstream.model.dl4j.TrainingBatches;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.network.ReferenceCnn;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One training step of the reference CNN (the trainer's own calls: {@link ReferenceCnn}, {@link
 * MnistTranslator}, Adam 0.001, batch 100) on fixture images; scores are images/s. OpenMP threads and
 * glibc's allocator are set from the environment of the command (see docs/BENCHMARKS.md).
 */
@State(Scope.Benchmark)
public class TrainingBenchmark {
    static final int BATCH = 100;

    /** on: ND4J's oneDNN layer helpers, as the trainer runs; off: DL4J's built-in layers. */
    @Param({"on", "off"})
    public String helpers;

    @Param({"ENABLED", "NONE"})
    public String workspaces;

    /**
     * ours: {@link Dl4jRuntime.withFasterLayers}, as the trainer runs; java-pooling: only the pooling
     * layers replaced ({@link JavaMaxPooling}), the convolutions Deeplearning4j's; dl4j: every layer Deeplearning4j's own.
     */
    @Param({"ours", "java-pooling", "dl4j"})
    public String layers;

    private MultiLayerNetwork network;
    /**
     * tuned: {@link Dl4jRuntime#tuneForTraining}, as the trainer runs (one OpenBLAS thread where
     * oneDNN's helpers run the convolutions); default: OpenBLAS with all its threads. Only "tuned"
     * runs unless asked ({@code -p blas=tuned,default}).
     */
    @Param({"tuned"})
    public String blas;

    private DataSet[] batches;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        // each trial runs in a fresh JVM (a JMH fork), so this comes before ND4J loads
        System.setProperty(Dl4jRuntime.HELPERS_DISABLED_PROPERTY, helpers.equals("on") ? "false" : "true");
        network = switch (layers) {
            case "ours" -> ReferenceCnn.create(777, new Adam(1e-3));
            case "java-pooling" -> JavaMaxPooling.install(ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3)));
            case "dl4j" -> ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3));
            default -> throw new IllegalArgumentException("layers: ours, java-pooling or dl4j, not " + layers);
        };
        network.getLayerWiseConfigurations().setTrainingWorkspaceMode(WorkspaceMode.valueOf(workspaces));
        if (blas.equals("tuned")) {
            Dl4jRuntime.tuneForTraining(network); // as the trainer does
        }
        batches = fixtureBatches();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double fit() {
        return fitNext(network, batches, next++);
    }

    /** The committed fixture's training images in batches of 100, in order, pixels scaled as the trainer does. */
    static DataSet[] fixtureBatches() {
        MnistDataset train = MnistFixture.train();
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        var batches = new DataSet[train.size() / BATCH];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = new DataSet(
                    TrainingBatches.features(train, order, b * BATCH, BATCH),
                    TrainingBatches.oneHotLabels(train, order, b * BATCH, BATCH));
        }
        return batches;
    }

    /** One training step on the step-th batch (round robin); its score, for JMH to consume. */
    static double fitNext(MultiLayerNetwork network, DataSet[] batches, int step) {
        network.fit(batches[step % batches.length]);
        return network.score();
    }
}
