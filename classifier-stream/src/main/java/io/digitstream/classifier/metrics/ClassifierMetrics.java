package io.digitstream.classifier.metrics;

import io.digitstream.schemas.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The classifier's own meters; Kafka Streams' client metrics are bound beside them. */
public final class ClassifierMetrics {
    private final MeterRegistry registry;
    private final Counter predictions;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Counter swaps;
    private final AtomicLong servingVersion = new AtomicLong(0);
    private final java.util.Map<Long, Counter[]> labelled = new java.util.concurrent.ConcurrentHashMap<>();
    /** Keeps each gauge's value reachable: Micrometer holds gauges' objects weakly. */
    private final java.util.Map<Long, java.util.concurrent.atomic.AtomicReference<Double>> holdout =
            new java.util.concurrent.ConcurrentHashMap<>();

    public ClassifierMetrics(MeterRegistry registry, String engine) {
        this.registry = registry;
        this.predictions = Counter.builder("digitstream.predictions")
                .description("Predictions emitted")
                .register(registry);
        this.batchSize = DistributionSummary.builder("digitstream.batch.size")
                .description("Images per inference call")
                .publishPercentiles(0.5, 0.99)
                .serviceLevelObjectives(1, 8, 16, 32, 64, 128, 256, 512)
                .register(registry);
        this.inference = Timer.builder("digitstream.inference")
                .description("Time of one batched inference call")
                .tag("engine", engine)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.swaps = Counter.builder("digitstream.model.swaps")
                .description("Models put into service")
                .register(registry);
        Gauge.builder("digitstream.model.version", servingVersion, AtomicLong::get)
                .description("Version of the model being served (0 = none yet)")
                .register(registry);
    }

    public void batch(int size, long inferenceNanos) {
        batchSize.record(size);
        inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
        predictions.increment(size);
    }

    /**
     * A labelled prediction, counted per model version and outcome, so Prometheus can chart
     * accuracy per version (correct / all); the accuracy application publishes the same to accuracy-out.
     */
    public void labelled(long modelVersion, boolean correct) {
        Counter[] pair = labelled.computeIfAbsent(modelVersion, v -> new Counter[] {
            Counter.builder("digitstream.labelled.predictions")
                    .tag("version", Long.toString(v))
                    .tag("outcome", "wrong")
                    .description("Predictions of labelled images by model version and outcome")
                    .register(registry),
            Counter.builder("digitstream.labelled.predictions")
                    .tag("version", Long.toString(v))
                    .tag("outcome", "correct")
                    .description("Predictions of labelled images by model version and outcome")
                    .register(registry)
        });
        pair[correct ? 1 : 0].increment();
    }

    /** A version's accuracy on the holdout set, as a gauge tagged with the version. */
    public void holdoutAccuracy(long version, double accuracy) {
        var holder = new java.util.concurrent.atomic.AtomicReference<>(accuracy);
        holdout.put(version, holder);
        Gauge.builder("digitstream.model.holdout.accuracy", holder, java.util.concurrent.atomic.AtomicReference::get)
                .tag("version", Long.toString(version))
                .description("Accuracy of a model version on the holdout set, as verification scored it")
                .register(registry);
    }

    public void deadLetter(ErrorCode code) {
        registry.counter("digitstream.dead.letters", "code", code.name()).increment();
    }

    public void snapshotRejected(ErrorCode code) {
        registry.counter("digitstream.model.snapshots.rejected", "code", code.name())
                .increment();
    }

    public void swapped(long version) {
        swaps.increment();
        servingVersion.set(version);
    }

    public double count(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
