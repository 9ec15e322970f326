package io.digitstream.mnist.data;

import io.digitstream.schemas.Mnist;
import java.util.Arrays;
import java.util.Objects;

/**
 * Images and labels held as one flat array each: image {@code i} is the 784 bytes from
 * {@code i * 784}, grey values 0..255 stored as unsigned bytes.
 */
public final class MnistDataset {
    private final byte[] pixels;
    private final byte[] labels;

    public MnistDataset(byte[] pixels, byte[] labels) {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (pixels.length != labels.length * Mnist.PIXELS) {
            throw new IllegalArgumentException(
                    labels.length + " labels but " + pixels.length / (double) Mnist.PIXELS + " images");
        }
        this.pixels = pixels;
        this.labels = labels;
    }

    public int size() {
        return labels.length;
    }

    /** A copy of image {@code i}. */
    public byte[] image(int i) {
        Objects.checkIndex(i, size());
        return Arrays.copyOfRange(pixels, i * Mnist.PIXELS, (i + 1) * Mnist.PIXELS);
    }

    public int label(int i) {
        return labels[i];
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), sharing nothing with this one. */
    public MnistDataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, size());
        return new MnistDataset(
                Arrays.copyOfRange(pixels, from * Mnist.PIXELS, to * Mnist.PIXELS),
                Arrays.copyOfRange(labels, from, to));
    }

    /** The backing pixel array, for bulk copies into tensors. Not to be modified. */
    public byte[] rawPixels() {
        return pixels;
    }

    public byte[] rawLabels() {
        return labels;
    }
}
