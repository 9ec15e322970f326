package io.digitstream.classifier.stream;

import java.time.Duration;

/**
 * How the micro-batcher trades latency for throughput.
 *
 * @param maxBatch       run inference as soon as this many images wait
 * @param maxDelay       or as soon as the oldest has waited this long (wall-clock)
 * @param noModelPolicy  what to do with images while no model is loaded
 * @param noModelTimeout with {@link NoModelPolicy#WAIT}: how long an image may wait for a model
 * @param maxPending     with {@link NoModelPolicy#WAIT}: how many images a task may hold waiting
 */
public record BatchSettings(int maxBatch, Duration maxDelay, NoModelPolicy noModelPolicy, Duration noModelTimeout,
                            int maxPending) {
    public BatchSettings {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max-batch must be at least 1");
        }
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("max-delay must be positive");
        }
        if (maxPending < maxBatch) {
            throw new IllegalArgumentException("max-pending must be at least max-batch");
        }
    }
}
