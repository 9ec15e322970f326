package io.digitstream.model.engine;

import io.digitstream.schemas.Mnist;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reference engine: Deeplearning4j's own {@code MultiLayerNetwork.output}. A network is not safe
 * for concurrent use (it keeps its layers' inputs between calls), so calls take turns.
 */
public final class Dl4jEngine implements InferenceEngine {
    public static final String NAME = "dl4j";

    private final MultiLayerNetwork network;
    private boolean closed;

    public Dl4jEngine(MultiLayerNetwork network) {
        this.network = network;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized float[] predict(byte[] pixels, int count) {
        if (closed) {
            throw new IllegalStateException("the model was closed");
        }
        if (count < 1 || pixels.length < count * Mnist.PIXELS) {
            throw new IllegalArgumentException("need " + count + " images of " + Mnist.PIXELS + " pixels");
        }
        try (INDArray input = Nd4j.create(
                        MnistTranslator.input(pixels, count), new long[] {count, Mnist.PIXELS}, DataType.FLOAT);
                INDArray output = network.output(input, false)) {
            return output.data().asFloat();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release(network);
        }
    }

    /**
     * Frees a network's native memory now, as {@code MultiLayerNetwork.close()} does: parameters,
     * gradients, updater state and the calling thread's workspaces (without them the resident set
     * grows about 4 MB per verified snapshot). That method then also calls {@code System.gc()}: a
     * full stop-the-world collection of 70-130 ms here, twice per verified snapshot, which was most
     * of the classifier's throughput dip during hot swaps.
     */
    public static void release(MultiLayerNetwork network) {
        closeIfPossible(network.params());
        closeIfPossible(network.getFlattenedGradients());
        var updater = network.getUpdater(false);
        if (updater != null) {
            closeIfPossible(updater.getStateViewArray());
        }
        // one by one: destroyAllWorkspacesForCurrentThread() ends in System.gc() too
        var workspaces = Nd4j.getWorkspaceManager();
        for (var workspace : workspaces.getAllWorkspacesForCurrentThread()) {
            workspaces.destroyWorkspace(workspace);
        }
    }

    private static void closeIfPossible(INDArray array) {
        if (array != null && array.closeable()) {
            array.close();
        }
    }
}
