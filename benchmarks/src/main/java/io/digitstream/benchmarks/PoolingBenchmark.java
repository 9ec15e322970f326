package io.digitstream.benchmarks;

import io.digitstream.model.network.ReferenceCnn;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The reference CNN's first max-pooling layer alone, forward and backward, on a training batch of
 * 100 (input 100 x 32 x 28 x 28): {@link io.digitstream.model.dl4j.JavaMaxPooling} against
 * Deeplearning4j's own layer. Scores are calls/s.
 */
@State(Scope.Benchmark)
public class PoolingBenchmark {
    /** java: the layer the trainer and classifier use; dl4j: Deeplearning4j's own. */
    @Param({"java", "dl4j"})
    public String pooling;

    private Layer layer;
    private INDArray input;
    private INDArray gradient;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

    @Setup(Level.Trial)
    public void setUp() {
        var network = pooling.equals("java")
                ? ReferenceCnn.create(777, new Adam(1e-3))
                : ReferenceCnn.withDeeplearning4jLayers(777, new Adam(1e-3));
        layer = network.getLayer(1);
        // ReLU outputs: about half zeros, the rest positive
        input = Transforms.relu(Nd4j.rand(DataType.FLOAT, 100, 32, 28, 28).subi(0.5), false);
        gradient = Nd4j.rand(DataType.FLOAT, 100, 32, 14, 14);
        layer.setInput(input, workspaces);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        input.close();
        gradient.close();
    }

    @Benchmark
    public INDArray forward() {
        INDArray output = layer.activate(true, workspaces);
        output.close();
        return output;
    }

    @Benchmark
    public INDArray backward() {
        Pair<?, INDArray> result = layer.backpropGradient(gradient, workspaces);
        result.getSecond().close();
        return result.getSecond();
    }
}
