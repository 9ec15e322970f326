package io.digitstream.benchmarks.pipeline;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.producer.replay.Replayer;
import java.time.Duration;

/** A subject's settings (tag, subject, max-batch, max-delay) and one round's shape (the rest). */
record Plan(
        String tag,
        Subject subject,
        int maxBatch,
        long maxDelayMs,
        int images,
        double rate,
        int swaps,
        boolean console,
        Duration producerLinger) {
    /** What runs between digits-in and predictions-out. */
    enum Subject {
        CLASSIFIER,
        PASS_THROUGH
    }

    static Plan flood(String tag, int maxBatch, long maxDelayMs, int images) {
        return new Plan(tag, Subject.CLASSIFIER, maxBatch, maxDelayMs, images, 0, 0, false, Replayer.FLOOD_LINGER);
    }

    static Plan passThrough(int images) {
        return new Plan(
                "pass",
                Subject.PASS_THROUGH,
                1,
                BatchSettings.DEFAULT_MAX_DELAY_MS,
                images,
                0,
                0,
                false,
                Replayer.FLOOD_LINGER);
    }

    /** The classifier with its default batching, sent {@code rate} images a second by a producer lingering so. */
    static Plan paced(int images, double rate, Duration producerLinger) {
        return new Plan(
                "paced",
                Subject.CLASSIFIER,
                BatchSettings.DEFAULT_MAX_BATCH,
                BatchSettings.DEFAULT_MAX_DELAY_MS,
                images,
                rate,
                0,
                false,
                producerLinger);
    }

    Plan withSwaps(int swaps) {
        return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, console, producerLinger);
    }

    Plan withImages(int images) {
        return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, console, producerLinger);
    }

    Plan withConsole() {
        return new Plan(tag, subject, maxBatch, maxDelayMs, images, rate, swaps, true, producerLinger);
    }
}
