package io.digitstream.trainer.training;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;
import java.util.Random;

/**
 * The images a recipe trains on, batch by batch: shuffled at the start of each epoch, varied by the
 * recipe's augmentation, scaled to [0,1]. One random stream, seeded by the recipe, drives both, so a
 * run repeats to the bit. The trainer feeds Deeplearning4j from it; the epoch benchmark feeds
 * libtorch the very same images, so the two train on equal work.
 */
public final class TrainingFeed {
    /**
     * One batch.
     *
     * @param pixels {@code digits.length} images of {@link Mnist#PIXELS} values in [0,1], row-major
     * @param digits each image's label
     */
    public record Batch(float[] pixels, int[] digits) {
        public int size() {
            return digits.length;
        }
    }

    private final Recipe recipe;
    private final MnistDataset data;
    private final Random random;
    private final int[] order;

    public TrainingFeed(Recipe recipe, MnistDataset data) {
        this.recipe = recipe;
        this.data = data;
        this.random = new Random(recipe.seed());
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    public int batchesPerEpoch() {
        return (data.size() + recipe.batchSize() - 1) / recipe.batchSize();
    }

    /** A new order of the images; called once at the start of each epoch. */
    public void shuffle() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Batch {@code index} of the current order; the last one of an epoch may be short. */
    public Batch batch(int index) {
        int from = index * recipe.batchSize();
        int count = Math.min(recipe.batchSize(), data.size() - from);
        if (index < 0 || count < 1) {
            throw new IndexOutOfBoundsException("batch " + index + " of " + batchesPerEpoch());
        }
        float[] pixels = new float[count * Mnist.PIXELS];
        int[] digits = new int[count];
        Augmentation augmentation = recipe.augmentation();
        byte[] raw = data.rawPixels();
        for (int row = 0; row < count; row++) {
            int image = order[from + row];
            digits[row] = data.label(image);
            if (augmentation.isNone()) {
                for (int p = 0; p < Mnist.PIXELS; p++) {
                    pixels[row * Mnist.PIXELS + p] = MnistTranslator.input(raw[image * Mnist.PIXELS + p] & 0xFF);
                }
            } else {
                augmentation.apply(raw, image * Mnist.PIXELS, digits[row], pixels, row * Mnist.PIXELS, random);
            }
        }
        return new Batch(pixels, digits);
    }
}
