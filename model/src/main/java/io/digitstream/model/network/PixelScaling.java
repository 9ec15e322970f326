package io.digitstream.model.network;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.schemas.Mnist;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Pixels to the network's input: grey bytes 0..255 scaled to [0,1], one flat row per image. */
public final class PixelScaling {
    static {
        Nd4jTuning.apply(); // before ND4J loads its natives
    }

    private PixelScaling() {
    }

    public static INDArray features(MnistDataset data, int[] indices, int from, int count) {
        return Nd4j.create(scaledPixels(data, indices, from, count), new long[] {count, Mnist.PIXELS}, DataType.FLOAT);
    }

    /** The same values as {@link #features}, as a plain array (for engines other than ND4J). */
    public static float[] scaledPixels(MnistDataset data, int[] indices, int from, int count) {
        float[] scaled = new float[count * Mnist.PIXELS];
        byte[] pixels = data.rawPixels();
        for (int row = 0; row < count; row++) {
            int offset = indices[from + row] * Mnist.PIXELS;
            for (int p = 0; p < Mnist.PIXELS; p++) {
                scaled[row * Mnist.PIXELS + p] = (pixels[offset + p] & 0xFF) / 255f;
            }
        }
        return scaled;
    }

    public static INDArray oneHotLabels(MnistDataset data, int[] indices, int from, int count) {
        float[] oneHot = new float[count * Mnist.CLASSES];
        for (int row = 0; row < count; row++) {
            oneHot[row * Mnist.CLASSES + data.label(indices[from + row])] = 1f;
        }
        return Nd4j.create(oneHot, new long[] {count, Mnist.CLASSES}, DataType.FLOAT);
    }
}
