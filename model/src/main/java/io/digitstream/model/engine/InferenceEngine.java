package io.digitstream.model.engine;

/**
 * A loaded model that turns a batch of MNIST-style images into class probabilities.
 * Implementations are thread-confined: one caller at a time (a stream thread owns its batch).
 * After {@link #close()} every call fails with {@link IllegalStateException}.
 */
public interface InferenceEngine extends AutoCloseable {

    /** The engine's name, as given to {@code --engine} and shown in logs and metrics. */
    String name();

    /**
     * @param pixels {@code count * 784} grey values, row-major, unsigned bytes (0 background, 255 ink)
     * @param count  images in the batch, at least 1
     * @return {@code count * 10} probabilities, image by image
     */
    float[] predict(byte[] pixels, int count);

    @Override
    void close();
}
