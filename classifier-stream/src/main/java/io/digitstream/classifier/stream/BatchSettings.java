package io.digitstream.classifier.stream;

import java.time.Duration;

/**
 * How the micro-batcher trades latency for throughput. {@link #DEFAULTS} are the documented
 * defaults (chosen by measurement, docs/BENCHMARKS.md); change one with a wither.
 *
 * @param maxBatch       run inference as soon as this many images wait
 * @param maxDelay       or as soon as the oldest has waited this long (wall-clock)
 * @param noModelPolicy  what to do with images while no model is loaded
 * @param noModelTimeout with {@link NoModelPolicy#WAIT}: how long an image may wait for a model
 * @param maxPending     with {@link NoModelPolicy#WAIT}: how many images a task may hold waiting
 * @param adaptive       run a partial batch as soon as the stream thread has handled what it polled
 *                       (at most {@link #ADAPTIVE_TICK} later) instead of waiting {@code maxDelay} for it
 *                       to fill: under light load an image does not wait for images that are not
 *                       coming, under heavy load batches fill anyway
 */
public record BatchSettings(
        int maxBatch,
        Duration maxDelay,
        NoModelPolicy noModelPolicy,
        Duration noModelTimeout,
        int maxPending,
        boolean adaptive) {
    public static final int DEFAULT_MAX_BATCH = 64;
    public static final long DEFAULT_MAX_DELAY_MS = 10;
    public static final NoModelPolicy DEFAULT_NO_MODEL_POLICY = NoModelPolicy.WAIT;
    public static final long DEFAULT_NO_MODEL_TIMEOUT_MS = 300_000;
    public static final int DEFAULT_MAX_PENDING = 100_000;
    public static final boolean DEFAULT_ADAPTIVE = true;
    /** How often an adaptive batcher looks for a partial batch to run: Kafka Streams' smallest punctuation interval. */
    public static final Duration ADAPTIVE_TICK = Duration.ofMillis(1);

    public static final BatchSettings DEFAULTS = new BatchSettings(
            DEFAULT_MAX_BATCH,
            Duration.ofMillis(DEFAULT_MAX_DELAY_MS),
            DEFAULT_NO_MODEL_POLICY,
            Duration.ofMillis(DEFAULT_NO_MODEL_TIMEOUT_MS),
            DEFAULT_MAX_PENDING,
            DEFAULT_ADAPTIVE);

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

    /** These settings with another max-batch; max-pending grows to it if it was smaller. */
    public BatchSettings withMaxBatch(int maxBatch) {
        return new BatchSettings(
                maxBatch, maxDelay, noModelPolicy, noModelTimeout, Math.max(maxPending, maxBatch), adaptive);
    }

    public BatchSettings withMaxDelay(Duration maxDelay) {
        return new BatchSettings(maxBatch, maxDelay, noModelPolicy, noModelTimeout, maxPending, adaptive);
    }

    public BatchSettings withNoModel(NoModelPolicy policy, Duration timeout, int maxPending) {
        return new BatchSettings(maxBatch, maxDelay, policy, timeout, Math.max(maxPending, maxBatch), adaptive);
    }

    public BatchSettings withAdaptive(boolean adaptive) {
        return new BatchSettings(maxBatch, maxDelay, noModelPolicy, noModelTimeout, maxPending, adaptive);
    }
}
