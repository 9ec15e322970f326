package io.digitstream.model.engine;

import io.digitstream.schemas.Mnist;
import java.nio.FloatBuffer;

/**
 * The one translation between MNIST-style images and the reference network, both ways (DJL's
 * translator): grey bytes in, the network's input out, scaled to [0,1] as the network was trained;
 * ten probabilities in, a {@link Reading} out (the digit is the arg-max, the first one on a tie).
 * Every engine, evaluation, the verifier, the trainer ({@code TrainingBatches}) and the classifier's
 * batcher use it, so a change of scaling or of reading is made here once.
 */
public final class MnistTranslator {
    /** The grey value of full ink; the network's input is grey / MAX_GREY. */
    public static final float MAX_GREY = 255f;

    private MnistTranslator() {}

    /** One grey value, 0..255, as the network's input. */
    public static float input(int grey) {
        return grey / MAX_GREY;
    }

    /** An interpolated grey value (augmentation) as the network's input; equal to {@link #input(int)} on whole values. */
    public static float input(double grey) {
        return (float) (grey / MAX_GREY);
    }

    /** The first {@code count} images of {@code grey} (784 unsigned bytes each) as one flat input row each. */
    public static float[] input(byte[] grey, int count) {
        float[] scaled = new float[count * Mnist.PIXELS];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = input(grey[i] & 0xFF);
        }
        return scaled;
    }

    /** Images {@code first .. first + count} of {@code grey} as {@link #input(byte[], int)} has them, written into {@code out} from its position. */
    public static void input(byte[] grey, int first, int count, FloatBuffer out) {
        int end = (first + count) * Mnist.PIXELS;
        for (int i = first * Mnist.PIXELS; i < end; i++) {
            out.put(input(grey[i] & 0xFF));
        }
    }

    /** The predicted digit of image {@code image} in a batch's probabilities (10 per image). */
    public static int digit(float[] probabilities, int image) {
        int offset = image * Mnist.CLASSES;
        int best = 0;
        for (int c = 1; c < Mnist.CLASSES; c++) {
            if (probabilities[offset + c] > probabilities[offset + best]) {
                best = c;
            }
        }
        return best;
    }

    /** Image {@code image}'s probabilities, read: the digit, its probability, all ten. */
    public static Reading read(float[] probabilities, int image) {
        double[] p = new double[Mnist.CLASSES];
        for (int c = 0; c < Mnist.CLASSES; c++) {
            p[c] = probabilities[image * Mnist.CLASSES + c];
        }
        int digit = digit(probabilities, image);
        return new Reading(digit, p[digit], p);
    }

    /**
     * What the network said about one image.
     *
     * @param confidence    the digit's probability
     * @param probabilities all ten, digit 0 first
     */
    public record Reading(int digit, double confidence, double[] probabilities) {}
}
