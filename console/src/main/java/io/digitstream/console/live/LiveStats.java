package io.digitstream.console.live;

import io.digitstream.console.feed.PredictionFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the live view shows, aggregated as predictions and dead letters are read: one bucket per
 * second for the last minute (count, a latency histogram, dead letters by code, the console's own
 * lag), totals, and counts per model version. The browser gets a {@link LiveView} a few times a
 * second, never a record, however fast the pipeline runs.
 *
 * <p>Records are placed in the second of their record timestamp (when the classifier emitted
 * them), so a console catching up draws the rate as it was, not as it read it. Thread-safe: the
 * feed writes, the web server reads.
 */
public final class LiveStats {
    /** How far back the charts go. */
    public static final int HISTORY_SECONDS = 60;
    /** The headline figures (rate, percentiles, dead letters per second) are over this many complete seconds. */
    public static final int WINDOW_SECONDS = 5;

    private static final long HIGHEST_TRACKED_LATENCY_MS = 3_600_000;
    private static final int LATENCY_DIGITS = 2;

    /** Told when a model version makes its first prediction the console sees: a hot swap, seen from outside. */
    public interface NewVersionListener {
        void firstPrediction(long version, Long previousVersion, long emittedAt);
    }

    private final Second[] ring = new Second[HISTORY_SECONDS];
    private final Map<Long, VersionCounter> versions = new TreeMap<>();
    private final Map<String, Long> deadLettersByCode = new TreeMap<>();
    private final NewVersionListener newVersions;
    /** Reused by each view: a view a few times a second must not allocate a histogram each time. */
    private final Histogram windowLatency = new Histogram(HIGHEST_TRACKED_LATENCY_MS, LATENCY_DIGITS);

    private long predictions;
    private long deadLetters;
    private long latestEmittedAt = Long.MIN_VALUE;
    private Long servedVersion;

    public LiveStats(NewVersionListener newVersions) {
        this.newVersions = newVersions;
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new Second();
        }
    }

    public LiveStats() {
        this((version, previous, at) -> {});
    }

    /** One prediction, read at {@code now}, whose record was written at {@code recordTimestamp}. */
    public void prediction(PredictionFacts prediction, long recordTimestamp, long now) {
        Long previous;
        boolean first;
        synchronized (this) {
            predictions++;
            Second second = bucket(recordTimestamp, now);
            if (second != null) {
                second.images++;
                Long latency = prediction.latencyMillis();
                if (latency != null) {
                    second.latency.recordValue(Math.max(0, Math.min(latency, HIGHEST_TRACKED_LATENCY_MS)));
                    second.percentilesStale = true;
                }
                second.maxConsoleLagMs = Math.max(second.maxConsoleLagMs, Math.max(0, now - recordTimestamp));
            }
            long version = prediction.modelVersion();
            VersionCounter counter = versions.get(version);
            first = counter == null;
            if (first) {
                counter = new VersionCounter(version, prediction.emittedAt());
                versions.put(version, counter);
            }
            counter.add(prediction);
            previous = servedVersion;
            if (prediction.emittedAt() >= latestEmittedAt) {
                latestEmittedAt = prediction.emittedAt();
                servedVersion = version;
            }
        }
        if (first) {
            newVersions.firstPrediction(prediction.modelVersion(), previous, prediction.emittedAt());
        }
    }

    /** One dead letter with its error code, read at {@code now}. */
    public synchronized void deadLetter(String code, long recordTimestamp, long now) {
        deadLetters++;
        deadLettersByCode.merge(code, 1L, Long::sum);
        Second second = bucket(recordTimestamp, now);
        if (second != null) {
            second.deadLetters.merge(code, 1, Integer::sum);
        }
    }

    /** The bucket of the second {@code timestamp} falls in; null when it is older than the history. */
    private Second bucket(long timestamp, long now) {
        long nowSecond = Math.floorDiv(now, 1000);
        // a clock ahead of ours must not write into the future
        long second = Math.min(Math.floorDiv(timestamp, 1000), nowSecond);
        if (second <= nowSecond - HISTORY_SECONDS) {
            return null;
        }
        Second bucket = ring[(int) Math.floorMod(second, HISTORY_SECONDS)];
        if (bucket.epochSecond != second) {
            bucket.reset(second);
        }
        return bucket;
    }

    /** The bucket of {@code second} if it holds that second, else null (nothing happened then). */
    private Second holding(long second) {
        Second bucket = ring[(int) Math.floorMod(second, HISTORY_SECONDS)];
        return bucket.epochSecond == second ? bucket : null;
    }

    /** Everything the live view shows, as of {@code now}; only complete seconds count. */
    public synchronized LiveView view(long now) {
        long nowSecond = Math.floorDiv(now, 1000);
        long[] seconds = new long[HISTORY_SECONDS];
        long[] images = new long[HISTORY_SECONDS];
        Double[] p50 = new Double[HISTORY_SECONDS];
        Double[] p99 = new Double[HISTORY_SECONDS];
        Map<String, long[]> deadLetterSeries = new TreeMap<>();
        for (String code : deadLettersByCode.keySet()) {
            deadLetterSeries.put(code, new long[HISTORY_SECONDS]);
        }
        long windowImages = 0;
        Long windowLag = null;
        Map<String, Long> windowDeadLetters = new TreeMap<>();
        windowLatency.reset();
        for (int i = 0; i < HISTORY_SECONDS; i++) {
            long second = nowSecond - HISTORY_SECONDS + i;
            seconds[i] = second;
            Second bucket = holding(second);
            if (bucket == null) {
                continue;
            }
            images[i] = bucket.images;
            p50[i] = bucket.p50();
            p99[i] = bucket.p99();
            int index = i;
            bucket.deadLetters.forEach((code, count) -> deadLetterSeries.get(code)[index] = count);
            if (second >= nowSecond - WINDOW_SECONDS) {
                windowImages += bucket.images;
                windowLatency.add(bucket.latency);
                bucket.deadLetters.forEach((code, count) -> windowDeadLetters.merge(code, (long) count, Long::sum));
                if (bucket.images > 0) {
                    windowLag = Math.max(windowLag == null ? 0 : windowLag, bucket.maxConsoleLagMs);
                }
            }
        }
        Map<String, Double> deadLettersPerSecond = new TreeMap<>();
        windowDeadLetters.forEach((code, count) -> deadLettersPerSecond.put(code, (double) count / WINDOW_SECONDS));
        boolean anyLatency = windowLatency.getTotalCount() > 0;
        List<VersionCounts> perVersion = new ArrayList<>();
        versions.values().forEach(counter -> perVersion.add(counter.counts()));
        return new LiveView(
                now,
                (double) windowImages / WINDOW_SECONDS,
                anyLatency ? (double) windowLatency.getValueAtPercentile(50) : null,
                anyLatency ? (double) windowLatency.getValueAtPercentile(99) : null,
                deadLettersPerSecond,
                windowLag,
                servedVersion,
                latestEmittedAt == Long.MIN_VALUE ? null : latestEmittedAt,
                predictions,
                deadLetters,
                Map.copyOf(deadLettersByCode),
                new LiveView.Series(seconds, images, p50, p99, deadLetterSeries),
                List.copyOf(perVersion));
    }

    private static final class Second {
        long epochSecond = Long.MIN_VALUE;
        long images;
        long maxConsoleLagMs;
        final Histogram latency = new Histogram(HIGHEST_TRACKED_LATENCY_MS, LATENCY_DIGITS);
        final Map<String, Integer> deadLetters = new TreeMap<>();
        /*
         * A second's percentiles are read from its histogram only after it changed: a view reads
         * all sixty seconds a few times a second, and all but the newest one or two are done.
         */
        boolean percentilesStale;
        Double p50;
        Double p99;

        void reset(long second) {
            epochSecond = second;
            images = 0;
            maxConsoleLagMs = 0;
            latency.reset();
            deadLetters.clear();
            percentilesStale = false;
            p50 = null;
            p99 = null;
        }

        Double p50() {
            refreshPercentiles();
            return p50;
        }

        Double p99() {
            refreshPercentiles();
            return p99;
        }

        private void refreshPercentiles() {
            if (percentilesStale) {
                p50 = (double) latency.getValueAtPercentile(50);
                p99 = (double) latency.getValueAtPercentile(99);
                percentilesStale = false;
            }
        }
    }

    private static final class VersionCounter {
        final long version;
        final long firstAt;
        long lastAt;
        long predictions;
        long labelled;
        long correct;

        VersionCounter(long version, long firstAt) {
            this.version = version;
            this.firstAt = firstAt;
            this.lastAt = firstAt;
        }

        void add(PredictionFacts prediction) {
            predictions++;
            lastAt = Math.max(lastAt, prediction.emittedAt());
            if (prediction.label() != null) {
                labelled++;
                if (prediction.correct()) {
                    correct++;
                }
            }
        }

        VersionCounts counts() {
            return new VersionCounts(version, predictions, labelled, correct, firstAt, lastAt);
        }
    }
}
