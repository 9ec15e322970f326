package io.digitstream.benchmarks;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.network.Nd4jTuning;
import io.digitstream.model.network.PixelScaling;
import io.digitstream.model.network.ReferenceCnn;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * PixelScaling}, Adam 0.001, batch 100) on fixture images; scores are images/s. OpenMP threads and
 * glibc's allocator are set from the environment of the command (see docs/BENCHMARKS.md).
 */
@State(Scope.Benchmark)
public class TrainingBenchmark {
    private static final int BATCH = 100;

    /** on: ND4J's oneDNN layer helpers, as the trainer runs; off: DL4J's built-in layers. */
    @Param({"on", "off"})
    public String helpers;

    @Param({"ENABLED", "NONE"})
    public String workspaces;

    /** java: {@link io.digitstream.model.network.JavaMaxPooling}, as the trainer runs; dl4j: Deeplearning4j's own pooling layers. */
    @Param({"java", "dl4j"})
    public String pooling;

    private MultiLayerNetwork network;
    private INDArray[] features;
    private INDArray[] labels;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        // each trial runs in a fresh JVM (a JMH fork), so this comes before ND4J loads
        System.setProperty(Nd4jTuning.HELPERS_DISABLED_PROPERTY, helpers.equals("on") ? "false" : "true");
        network = pooling.equals("java") ? ReferenceCnn.create(777, new Adam(1e-3))
                : ReferenceCnn.withDeeplearning4jPooling(777, new Adam(1e-3));
        network.getLayerWiseConfigurations().setTrainingWorkspaceMode(WorkspaceMode.valueOf(workspaces));
        MnistDataset train = MnistFixture.train();
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int batches = train.size() / BATCH;
        features = new INDArray[batches];
        labels = new INDArray[batches];
        for (int b = 0; b < batches; b++) {
            features[b] = PixelScaling.features(train, order, b * BATCH, BATCH);
            labels[b] = PixelScaling.oneHotLabels(train, order, b * BATCH, BATCH);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double fit() {
        int b = next++ % features.length;
        network.fit(new DataSet(features[b], labels[b]));
        return network.score();
    }
}
