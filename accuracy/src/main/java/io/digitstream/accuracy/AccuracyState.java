package io.digitstream.accuracy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.Prediction;

/**
 * The running tally of one model version: totals, the outcomes of the last {@code windowSize}
 * labelled predictions (a ring, with its count of hits kept as it turns), and a latency histogram
 * for p50/p99. The state is written to the store on every update, so it stays small: the
 * histogram has 1 ms buckets to 100 ms, 10 ms buckets to 1 s and 100 ms buckets to 10 s (280 in all).
 * Streams aggregators update in place, so {@link #add} returns this instance.
 */
final class AccuracyState {
    static final int LATENCY_BUCKETS = 100 + 90 + 90 + 1; // the last one holds 10 s and more

    @JsonProperty
    String modelName;

    @JsonProperty
    long seen;

    @JsonProperty
    long correct;

    @JsonProperty
    byte[] window;

    @JsonProperty
    int windowNext;

    @JsonProperty
    int windowSeen;

    @JsonProperty
    int windowCorrect;

    @JsonProperty
    int[] latencyBuckets;

    @JsonProperty
    long latencyCount;

    @JsonCreator
    AccuracyState() {}

    static AccuracyState empty(int windowSize) {
        var state = new AccuracyState();
        state.window = new byte[windowSize];
        state.latencyBuckets = new int[LATENCY_BUCKETS];
        return state;
    }

    AccuracyState add(Prediction prediction) {
        modelName = prediction.modelName();
        seen++;
        byte outcome = (byte) (prediction.correct() ? 1 : 0);
        correct += outcome;
        if (windowSeen == window.length) {
            windowCorrect -= window[windowNext]; // the oldest outcome leaves the window
        } else {
            windowSeen++;
        }
        window[windowNext] = outcome;
        windowCorrect += outcome;
        windowNext = (windowNext + 1) % window.length;
        Long latency = prediction.latencyMillis();
        if (latency != null) {
            latencyBuckets[bucket(latency)]++;
            latencyCount++;
        }
        return this;
    }

    AccuracyReport report(long modelVersion, long now) {
        return new AccuracyReport(
                modelName,
                modelVersion,
                seen,
                correct,
                window.length,
                windowSeen,
                windowCorrect,
                percentile(0.50),
                percentile(0.99),
                now);
    }

    static int bucket(long millis) {
        if (millis < 100) {
            return (int) Math.max(0, millis);
        }
        if (millis < 1_000) {
            return 100 + (int) ((millis - 100) / 10);
        }
        if (millis < 10_000) {
            return 190 + (int) ((millis - 1_000) / 100);
        }
        return LATENCY_BUCKETS - 1;
    }

    /** The lower bound of a bucket, in milliseconds. */
    static double lowerBound(int bucket) {
        if (bucket < 100) {
            return bucket;
        }
        if (bucket < 190) {
            return 100 + (bucket - 100) * 10.0;
        }
        return 1_000 + (bucket - 190) * 100.0;
    }

    private Double percentile(double q) {
        if (latencyCount == 0) {
            return null;
        }
        long rank = (long) Math.ceil(q * latencyCount);
        long cumulative = 0;
        for (int b = 0; b < latencyBuckets.length; b++) {
            cumulative += latencyBuckets[b];
            if (cumulative >= rank) {
                return lowerBound(b);
            }
        }
        return lowerBound(latencyBuckets.length - 1);
    }
}
