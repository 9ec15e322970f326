package io.digitstream.model.engine;

import io.digitstream.model.network.Nd4jTuning;
import io.digitstream.schemas.Mnist;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The reference engine: Deeplearning4j's own {@code MultiLayerNetwork.output}. */
public final class Dl4jEngine implements InferenceEngine {
    static {
        Nd4jTuning.apply(); // before ND4J loads its natives
    }

    public static final String NAME = "dl4j";

    private final MultiLayerNetwork network;
    private volatile boolean closed;

    public Dl4jEngine(MultiLayerNetwork network) {
        this.network = network;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[] predict(byte[] pixels, int count) {
        if (closed) {
            throw new IllegalStateException("the model was closed");
        }
        if (count < 1 || pixels.length < count * Mnist.PIXELS) {
            throw new IllegalArgumentException("need " + count + " images of " + Mnist.PIXELS + " pixels");
        }
        float[] scaled = new float[count * Mnist.PIXELS];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = (pixels[i] & 0xFF) / 255f;
        }
        try (INDArray input = Nd4j.create(scaled, new long[] {count, Mnist.PIXELS}, DataType.FLOAT);
             INDArray output = network.output(input, false)) {
            return output.data().asFloat();
        }
    }

    @Override
    public void close() {
        closed = true;
        network.close();
    }
}
