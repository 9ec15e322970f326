package io.digitstream.benchmarks.pipeline;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import java.time.Duration;
import java.util.Arrays;

/**
 * The engine alone in the benchmark's JVM, the same settings as the classifier's, a couple of
 * seconds per batch size: the same-run figure beside the pipeline's (docs/BENCHMARKS.md's E1 is
 * the careful JMH measurement of the same thing).
 */
final class EngineAlone {
    private static final Duration WARM_UP = Duration.ofMillis(500);
    private static final Duration MEASURED = Duration.ofSeconds(2);

    private EngineAlone() {}

    /** Images per second at {@code batch}, {@code snapshot} loaded as the classifier loads it with {@code choice}. */
    static double imagesPerSecond(EngineChoice choice, ModelSnapshot snapshot, MnistDataset images, int batch) {
        byte[] pixels = Arrays.copyOf(images.rawPixels(), batch * Mnist.PIXELS);
        try (InferenceEngine engine =
                choice.loader().load(snapshot.header(), snapshot.payload()).orElseThrow()) {
            if (!engine.name().equals(choice.name())) {
                // an int8 load that fell back to float32 must not be timed under int8's name
                throw new IllegalStateException(
                        choice.name() + " did not serve: " + engine.note().orElse(""));
            }
            loop(engine, pixels, batch, WARM_UP);
            return loop(engine, pixels, batch, MEASURED);
        }
    }

    private static double loop(InferenceEngine engine, byte[] pixels, int batch, Duration duration) {
        long started = System.nanoTime();
        long deadline = started + duration.toNanos();
        long images = 0;
        while (System.nanoTime() < deadline) {
            engine.predict(pixels, batch);
            images += batch;
        }
        return images / ((System.nanoTime() - started) / 1e9);
    }
}
