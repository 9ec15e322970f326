package io.digitstream.model.dl4j;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Training batches as Deeplearning4j arrays, scaled by {@link MnistTranslator} as every engine reads images. */
public final class TrainingBatches {
    private TrainingBatches() {}

    /** A training batch: the images {@code indices[from .. from + count)} of {@code data}, as the network's input. */
    public static INDArray features(MnistDataset data, int[] indices, int from, int count) {
        float[] scaled = new float[count * Mnist.PIXELS];
        byte[] pixels = data.rawPixels();
        for (int row = 0; row < count; row++) {
            int offset = indices[from + row] * Mnist.PIXELS;
            for (int p = 0; p < Mnist.PIXELS; p++) {
                scaled[row * Mnist.PIXELS + p] = MnistTranslator.input(pixels[offset + p] & 0xFF);
            }
        }
        return Nd4j.create(scaled, new long[] {count, Mnist.PIXELS}, DataType.FLOAT);
    }

    /** The labels of the same images, one-hot, as the network's training target. */
    public static INDArray oneHotLabels(MnistDataset data, int[] indices, int from, int count) {
        float[] oneHot = new float[count * Mnist.CLASSES];
        for (int row = 0; row < count; row++) {
            oneHot[row * Mnist.CLASSES + data.label(indices[from + row])] = 1f;
        }
        return Nd4j.create(oneHot, new long[] {count, Mnist.CLASSES}, DataType.FLOAT);
    }

    /** Labels given as digits, one-hot, as the network's training target. */
    public static INDArray oneHot(int[] digits) {
        float[] oneHot = new float[digits.length * Mnist.CLASSES];
        for (int row = 0; row < digits.length; row++) {
            oneHot[row * Mnist.CLASSES + digits[row]] = 1f;
        }
        return Nd4j.create(oneHot, new long[] {digits.length, Mnist.CLASSES}, DataType.FLOAT);
    }
}
