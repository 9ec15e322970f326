package io.digitstream.model.evaluation;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import java.util.Objects;

/**
 * The fixed labelled images every model version is scored on before it may serve: the same
 * images for every version, so two versions' accuracies compare (accuracy on live traffic depends
 * on which images happened to come by).
 *
 * @param source what the images are, for logs and events ("fixture test, first 1,000")
 */
public record Holdout(String source, MnistDataset data) {
    /** The size used unless told otherwise: the whole committed fixture test set. */
    public static final int DEFAULT_SIZE = 1_000;

    public Holdout {
        Objects.requireNonNull(source, "source");
        if (data.size() < 1) {
            throw new IllegalArgumentException("a holdout needs at least one image");
        }
    }

    /** The first {@code size} images of the committed fixture's test set. */
    public static Holdout fixture(int size) {
        MnistDataset test = MnistFixture.test();
        return of("fixture test set", test, size);
    }

    /** The first {@code size} images of {@code test}, named {@code source}. */
    public static Holdout of(String source, MnistDataset test, int size) {
        if (size < 1 || size > test.size()) {
            throw new IllegalArgumentException("the holdout size must be 1.." + test.size() + ", not " + size);
        }
        return new Holdout(String.format(java.util.Locale.ROOT, "%s, first %,d", source, size), test.slice(0, size));
    }

    public int size() {
        return data.size();
    }
}
