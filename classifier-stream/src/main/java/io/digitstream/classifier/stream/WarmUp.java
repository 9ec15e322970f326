package io.digitstream.classifier.stream;

import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.message.BinaryImageEvents;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.ImageEventCodec;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import java.time.Duration;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Runs the classifier's hot path on synthetic images before real ones meet it. A cold instance
 * answered its first users slowly: the JIT had compiled nothing, and ONNX Runtime plans its
 * memory for each input shape on that shape's first call, so every batch size was slow once.
 * Measured with broker, classifier and producer each in a process of their own, replaying at
 * 1,000 images/s right after the first model loaded: a 3 s backlog that took 7 s to drain.
 *
 * <p>So the classifier warms up twice: the decode/encode path before its stream threads start
 * (before it takes any partition), and each admitted model's engine at every batch size up to
 * max-batch before that model serves ({@link SnapshotLoader}). The instance reports healthy only
 * once a model serves, so only after both.
 */
public final class WarmUp {
    /** Enough calls for the JIT's optimising compiler (C2 compiles a method after about 10,000). */
    static final int PATH_ROUNDS = 20_000;
    /** Encoded images take about a hundred times longer to decode; fewer rounds compile them too. */
    static final int ENCODED_ROUNDS = 2_000;

    /**
     * Batch sizes up to this one each get a call; above it, powers of two and max-batch itself. A
     * lightly loaded adaptive batcher runs every small size; a large max-batch (10,000 in one test)
     * would otherwise cost a warm-up of n(n+1)/2 images, 50 million, per model.
     */
    static final int EVERY_SIZE_UP_TO = 64;

    /** No warm-up: for tests, and for {@code --no-warm-up} (a quicker start in development). */
    public static final WarmUp NONE = new WarmUp(0);

    private final int maxBatch;

    private WarmUp(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /** Warms engines at every batch size from 1 to {@code maxBatch}, and the decode/encode path. */
    public static WarmUp upTo(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max-batch must be at least 1");
        }
        return new WarmUp(maxBatch);
    }

    public boolean enabled() {
        return maxBatch > 0;
    }

    /**
     * Runs {@code engine} once at every batch size from 1 to max-batch (above {@link
     * #EVERY_SIZE_UP_TO}, at the powers of two and max-batch) on synthetic images: the calls a cold
     * engine would otherwise make slowly with users' images in them.
     *
     * @return how long it took (zero when disabled)
     */
    public Duration engine(InferenceEngine engine) {
        if (!enabled()) {
            return Duration.ZERO;
        }
        long started = System.nanoTime();
        byte[] pixels = syntheticPixels(maxBatch, 1);
        for (int count : batchSizes()) {
            engine.predict(pixels, count);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The batch sizes {@link #engine} runs, ascending. */
    public java.util.List<Integer> batchSizes() {
        var sizes = new java.util.ArrayList<Integer>();
        for (int count = 1; count <= maxBatch; count = count < EVERY_SIZE_UP_TO ? count + 1 : count * 2) {
            sizes.add(count);
        }
        if (maxBatch > 0 && sizes.get(sizes.size() - 1) != maxBatch) {
            sizes.add(maxBatch);
        }
        return sizes;
    }

    /**
     * Runs the per-image work around inference on synthetic events in both encodings and as a PNG:
     * decoding, bringing an encoded image to MNIST style, the buffer's changelog format, and writing
     * the prediction.
     *
     * @return how long it took (zero when disabled)
     */
    public Duration path() {
        if (!enabled()) {
            return Duration.ZERO;
        }
        long started = System.nanoTime();
        byte[] grey = syntheticPixels(1, 2);
        var event = new ImageEvent("warm-up", new Image.Pixels(grey), 7, System.currentTimeMillis());
        byte[] json = ImageEventCodec.encode(event);
        var binaryHeaders = new RecordHeaders();
        byte[] binary = BinaryImageEvents.encode(event, binaryHeaders);
        byte[] png = ImageEventCodec.encode(
                new ImageEvent("warm-up", new Image.Encoded(MnistStyle.toPng(syntheticDigit(), 2, true)), 7, null));
        Serde<PendingImage> buffer = PendingImage.serde();
        Serializer<Prediction> predictions = MessageSerdes.prediction().serializer();
        float[] probabilities = syntheticProbabilities();
        long checksum = 0;
        for (int round = 0; round < PATH_ROUNDS; round++) {
            byte[] value = round % 2 == 0 ? json : binary;
            var headers = round % 2 == 0 ? new RecordHeaders() : binaryHeaders;
            checksum += once(ImageEventCodec.decode("warm-up", headers, value), buffer, predictions, probabilities);
            if (round < ENCODED_ROUNDS) {
                checksum += once(
                        ImageEventCodec.decode("warm-up", new RecordHeaders(), png),
                        buffer,
                        predictions,
                        probabilities);
            }
        }
        if (checksum == 0) {
            throw new IllegalStateException(
                    "the warm-up wrote no prediction"); // also keeps the work from being dropped
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static int once(
            Decoded<ImageEvent> decoded,
            Serde<PendingImage> buffer,
            Serializer<Prediction> predictions,
            float[] probabilities) {
        ImageEvent event = decoded.orElseThrow();
        byte[] pixels = MicroBatchProcessor.pixelsOf(event).orElseThrow();
        var pending = new PendingImage(event.id(), pixels, event.label(), event.sentAt(), 0, 0, 0);
        PendingImage restored =
                buffer.deserializer().deserialize(null, buffer.serializer().serialize(null, pending));
        Prediction prediction = MicroBatchProcessor.prediction(
                restored, probabilities, 0, "warm-up", 1, 1, System.currentTimeMillis(), 0.5);
        return predictions.serialize(null, prediction).length;
    }

    /** {@code count} images of seeded noise: an engine's arithmetic does not depend on what they show. */
    private static byte[] syntheticPixels(int count, long seed) {
        byte[] pixels = new byte[count * Mnist.PIXELS];
        new Random(seed).nextBytes(pixels);
        return pixels;
    }

    /**
     * A ring of ink on a clean background: noise, encoded, is rightly refused as holding no digit
     * (its spread is the paper's), so the encoded path warms up on a shape.
     */
    private static byte[] syntheticDigit() {
        byte[] pixels = new byte[Mnist.PIXELS];
        for (int y = 0; y < Mnist.SIDE; y++) {
            for (int x = 0; x < Mnist.SIDE; x++) {
                double r = Math.hypot(x - 13.5, (y - 13.5) * 0.7);
                pixels[y * Mnist.SIDE + x] = (byte) (Math.abs(r - 7) < 1.5 ? 255 : 0);
            }
        }
        return pixels;
    }

    private static float[] syntheticProbabilities() {
        float[] probabilities = new float[10];
        java.util.Arrays.fill(probabilities, 0.02f);
        probabilities[7] = 0.82f;
        return probabilities;
    }
}
