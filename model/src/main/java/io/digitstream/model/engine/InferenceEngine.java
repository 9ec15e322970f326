package io.digitstream.model.engine;

/**
 * A loaded model that turns a batch of MNIST-style images into class probabilities.
 *
 * <p><b>Threads.</b> One instance may be called from several threads at once (a classifier with
 * several stream threads shares the served model); each call returns what it would have returned
 * alone. An engine may run concurrent calls one after another when its library needs that.
 *
 * <p><b>Closing.</b> {@link #close()} waits for the calls in flight to finish, then frees the
 * model's native memory; every later call fails with {@link IllegalStateException}, never a crash.
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

    /**
     * How this engine came to serve the model, when a decision should say so (an int8 engine, or
     * float32 because the int8 graph was refused, and why); empty for a plain engine.
     */
    default java.util.Optional<String> note() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
