package io.digitstream.classifier.stream;

import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.message.BinaryImageEvents;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.ImageEventCodec;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.message.Prediction;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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
 * once a model serves, so only after both. What needs a broker to run, Kafka's own code, {@link
 * TrafficWarmUp} warms in between.
 */
public final class WarmUp {
    /** Enough calls for the JIT's optimising compiler (C2 compiles a method after about 10,000). */
    static final int PATH_ROUNDS = 20_000;
    /** Encoded images take about a hundred times longer to decode; fewer rounds compile them too. */
    static final int ENCODED_ROUNDS = 2_000;

    /**
     * Distinct synthetic events and probability vectors the path cycles through. The JIT compiles
     * for the branches it saw taken: a warm-up of one event and one answer (all 0.02 but one 0.82)
     * left the first real predictions to take untaken branches (an uncertain flag, a probability
     * of 1e-9, a two-digit batch size): each was a deoptimization, its method back in the
     * interpreter until compiled again, 4-6 of them in Jackson's writing and parsing within the
     * first second of every measured instance (docs/BENCHMARKS.md, W1), none since.
     */
    static final int VARIANTS = 64;

    /**
     * The path runs in this many fresh threads, one after another. Jackson keeps its buffers per
     * thread, so a stream thread's first records meet empty buffers, a branch one warm thread never
     * takes again: JSON parsing, compiled without it, fell back to the interpreter on the first
     * real image.
     */
    static final int PATH_THREADS = 4;

    /**
     * Every this many rounds, a model decision is written and read back with Jackson's object
     * mapper, as an instance does with its decisions and high-water marks when a model is admitted.
     * The mapper's first use loads classes (ObjectReader among them) that the compiled hot path had
     * assumed absent, and takes branches of Jackson's parser and generator that the hot path never
     * does: at the first model's admission, after the warm-up, it made the compiled event decoding
     * and prediction writing "not entrant", to be compiled again under the first users' images
     * (docs/BENCHMARKS.md, W1). Used among the rounds, it is part of what the JIT compiles for.
     */
    static final int ROUNDS_PER_MAPPER_USE = 64;

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
        var traffic = SyntheticTraffic.generate(new Random(2));
        int perThread = PATH_ROUNDS / PATH_THREADS;
        for (int t = 0; t < PATH_THREADS; t++) {
            int from = t * perThread;
            var rounds = new FutureTask<>(() -> traffic.rounds(from, from + perThread));
            new Thread(rounds, "warm-up-" + t).start();
            long checksum;
            try {
                checksum = rounds.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Duration.ofNanos(System.nanoTime() - started);
            } catch (ExecutionException e) {
                // as if run here: a warm-up that fails stops the start with its own cause
                throw e.getCause() instanceof RuntimeException cause
                        ? cause
                        : new IllegalStateException("the warm-up failed", e.getCause());
            }
            if (checksum == 0) {
                throw new IllegalStateException(
                        "the warm-up wrote no prediction"); // also keeps the work from being dropped
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Images as users send them, and answers as a network gives them, in both encodings. */
    record SyntheticTraffic(
            ImageEvent[] events,
            byte[][] json,
            byte[][] binary,
            RecordHeaders[] binaryHeaders,
            float[][] probabilities,
            byte[] png) {

        static SyntheticTraffic generate(Random random) {
            ImageEvent[] events = new ImageEvent[VARIANTS];
            byte[][] json = new byte[VARIANTS][];
            byte[][] binary = new byte[VARIANTS][];
            RecordHeaders[] binaryHeaders = new RecordHeaders[VARIANTS];
            float[][] probabilities = new float[VARIANTS][];
            for (int i = 0; i < VARIANTS; i++) {
                events[i] = syntheticEvent(random, i);
                json[i] = ImageEventCodec.encode(events[i]);
                binaryHeaders[i] = new RecordHeaders();
                binary[i] = BinaryImageEvents.encode(events[i], binaryHeaders[i]);
                probabilities[i] = syntheticProbabilities(random);
            }
            byte[] png = ImageEventCodec.encode(
                    new ImageEvent("warm-up", new Image.Encoded(MnistStyle.toPng(syntheticDigit(), 2, true)), 7, null));
            return new SyntheticTraffic(events, json, binary, binaryHeaders, probabilities, png);
        }

        /** Rounds {@code from} to {@code to} (exclusive) of the path; the sum of the predictions' sizes. */
        long rounds(int from, int to) {
            Serde<PendingImage> buffer = PendingImage.serde();
            Serializer<Prediction> predictions = MessageSerdes.prediction().serializer();
            Serde<ModelDecision> decisions = MessageSerdes.modelDecision();
            long checksum = 0;
            for (int round = from; round < to; round++) {
                if (round % ROUNDS_PER_MAPPER_USE == 0) {
                    byte[] decision = decisions.serializer().serialize(null, syntheticDecision(round));
                    checksum +=
                            decisions.deserializer().deserialize(null, decision).version();
                }
                int variant = round % VARIANTS;
                boolean asJson = (round / VARIANTS) % 2 == 0;
                byte[] value = asJson ? json[variant] : binary[variant];
                var headers = asJson ? new RecordHeaders() : binaryHeaders[variant];
                checksum += once(
                        ImageEventCodec.decode(events[variant].id(), headers, value),
                        buffer,
                        predictions,
                        probabilities[(round * 7) % VARIANTS],
                        1 + round % EVERY_SIZE_UP_TO);
                if (round % (PATH_ROUNDS / ENCODED_ROUNDS) == 0) {
                    checksum += once(
                            ImageEventCodec.decode("warm-up", new RecordHeaders(), png),
                            buffer,
                            predictions,
                            probabilities[variant],
                            1);
                }
            }
            return checksum;
        }
    }

    private static int once(
            Decoded<ImageEvent> decoded,
            Serde<PendingImage> buffer,
            Serializer<Prediction> predictions,
            float[] probabilities,
            int batchSize) {
        ImageEvent event = decoded.orElseThrow();
        byte[] pixels = MicroBatchProcessor.pixelsOf(event).orElseThrow();
        var pending = new PendingImage(event.id(), pixels, event.label(), event.sentAt(), 0, 0, 0);
        PendingImage restored =
                buffer.deserializer().deserialize(null, buffer.serializer().serialize(null, pending));
        Prediction prediction = MicroBatchProcessor.prediction(
                restored,
                probabilities,
                0,
                "warm-up",
                1,
                batchSize,
                System.currentTimeMillis(),
                ClassifierSettings.DEFAULT_UNCERTAIN_BELOW);
        return predictions.serialize(null, prediction).length;
    }

    /**
     * An event as users send them: most labelled (a replay), some not (a user's own image), most
     * with a send time, ids of several lengths, pixels of an MNIST-like image (mostly paper, some
     * ink, a few greys) or of noise.
     */
    private static ImageEvent syntheticEvent(Random random, int variant) {
        byte[] pixels = new byte[Mnist.PIXELS];
        if (variant % 2 == 0) {
            random.nextBytes(pixels);
        } else {
            for (int i = 0; i < pixels.length; i++) {
                int roll = random.nextInt(10);
                pixels[i] = (byte) (roll < 7 ? 0 : roll < 9 ? 255 : random.nextInt(256));
            }
        }
        Integer label = variant % 5 == 4 ? null : variant % 10;
        Long sentAt = variant % 7 == 6 ? null : System.currentTimeMillis() - random.nextInt(1000);
        String id = "warm-up-" + "x".repeat(variant % 4) + variant;
        return new ImageEvent(id, new Image.Pixels(pixels), label, sentAt);
    }

    /** A decision as an instance writes one when a model comes to serve. */
    private static ModelDecision syntheticDecision(int round) {
        long now = System.currentTimeMillis();
        return new ModelDecision(
                "warm-up",
                (long) round,
                ModelDecision.SERVING,
                null,
                null,
                0.99,
                1000,
                round - 1L,
                0.98,
                "warm-up-key",
                null,
                "warm-up",
                now - 1000,
                now,
                "warm-up",
                null);
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

    /**
     * A softmax of random scores spread as a trained network's are: from nearly uniform (a
     * confidence under the uncertainty threshold) to one class near 1 and the rest down to
     * underflow, so that writing them meets every form a real probability takes.
     */
    static float[] syntheticProbabilities(Random random) {
        double spread = 0.5 + random.nextDouble() * 40;
        double[] scores = new double[Mnist.CLASSES];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < scores.length; c++) {
            scores[c] = random.nextGaussian() * spread;
            max = Math.max(max, scores[c]);
        }
        double sum = 0;
        for (int c = 0; c < scores.length; c++) {
            scores[c] = Math.exp(scores[c] - max);
            sum += scores[c];
        }
        float[] probabilities = new float[Mnist.CLASSES];
        for (int c = 0; c < scores.length; c++) {
            probabilities[c] = (float) (scores[c] / sum);
        }
        return probabilities;
    }
}
