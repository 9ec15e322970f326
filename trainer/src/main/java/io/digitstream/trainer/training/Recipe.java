package io.digitstream.trainer.training;

import java.util.Locale;

/**
 * How to train the reference CNN.
 *
 * @param learningRate   Adam's initial learning rate
 * @param decayEvery     halve the learning rate every this many epochs (0 = constant)
 * @param shiftPixels    augmentation: shift each training image by up to this many pixels (0 = none)
 * @param rotateDegrees  augmentation: rotate by up to this many degrees either way (0 = none)
 * @param scale          augmentation: resize by up to this fraction either way (0 = none)
 */
public record Recipe(
        String name,
        int epochs,
        int batchSize,
        double learningRate,
        int decayEvery,
        double shiftPixels,
        double rotateDegrees,
        double scale,
        long seed) {

    /** The reference exactly: Adam 0.001, batch 100, 2 epochs, shuffled, seed 777, pixels / 255. */
    public static final Recipe SEED = new Recipe("seed", 2, 100, 1e-3, 0, 0, 0, 0, 777);

    /**
     * The default: the reference network trained longer, with the learning rate halved every two
     * epochs and each image distorted a little at random (shifted up to 2 pixels, rotated up to 10
     * degrees, resized up to 10 %), so the network learns that a digit's pose does not matter.
     */
    public static final Recipe DEFAULT = new Recipe("default", 8, 100, 1e-3, 2, 2, 10, 0.1, 777);

    public Recipe {
        if (epochs < 1
                || batchSize < 1
                || learningRate <= 0
                || decayEvery < 0
                || shiftPixels < 0
                || rotateDegrees < 0
                || scale < 0
                || scale >= 1) {
            throw new IllegalArgumentException("invalid recipe " + name);
        }
    }

    public static Recipe named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "seed" -> SEED;
            case "default" -> DEFAULT;
            default -> throw new IllegalArgumentException("unknown recipe '" + name + "' (seed, default)");
        };
    }

    public Recipe withEpochs(int epochs) {
        return new Recipe(name, epochs, batchSize, learningRate, decayEvery, shiftPixels, rotateDegrees, scale, seed);
    }

    Augmentation augmentation() {
        return new Augmentation(shiftPixels, rotateDegrees, scale);
    }

    /** The learning rate during {@code epoch} (0-based). */
    public double learningRate(int epoch) {
        return decayEvery == 0 ? learningRate : learningRate * Math.pow(0.5, epoch / decayEvery);
    }
}
