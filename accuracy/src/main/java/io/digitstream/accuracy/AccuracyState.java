package io.digitstream.accuracy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.Prediction;

/**
 * The running tally of one model version: totals, the outcomes of the last {@code windowSize}
 * labelled predictions (a ring), and a 1-ms latency histogram up to 10 s for p50/p99.
 * Immutable-by-convention: {@link #add} returns the same instance updated, as Streams aggregators do.
 */
final class AccuracyState {
    static final int LATENCY_BUCKETS = 10_001;

    @JsonProperty String modelName;
    @JsonProperty long seen;
    @JsonProperty long correct;
    @JsonProperty byte[] window;
    @JsonProperty int windowNext;
    @JsonProperty int windowSeen;
    @JsonProperty int[] latencyMs;
    @JsonProperty long latencyCount;

    @JsonCreator
    AccuracyState() {
    }

    static AccuracyState empty(int windowSize) {
        var state = new AccuracyState();
        state.window = new byte[windowSize];
        state.latencyMs = new int[LATENCY_BUCKETS];
        return state;
    }

    AccuracyState add(Prediction prediction) {
        modelName = prediction.modelName();
        seen++;
        byte outcome = (byte) (prediction.correct() ? 1 : 0);
        correct += outcome;
        window[windowNext] = outcome;
        windowNext = (windowNext + 1) % window.length;
        windowSeen = Math.min(windowSeen + 1, window.length);
        Long latency = prediction.latencyMillis();
        if (latency != null) {
            latencyMs[(int) Math.max(0, Math.min(LATENCY_BUCKETS - 1, latency))]++;
            latencyCount++;
        }
        return this;
    }

    AccuracyReport report(long modelVersion, long now) {
        int windowCorrect = 0;
        for (int i = 0; i < windowSeen; i++) {
            windowCorrect += window[i];
        }
        return new AccuracyReport(modelName, modelVersion, seen, correct, window.length, windowSeen, windowCorrect,
                percentile(0.50), percentile(0.99), now);
    }

    private Double percentile(double q) {
        if (latencyCount == 0) {
            return null;
        }
        long rank = (long) Math.ceil(q * latencyCount);
        long cumulative = 0;
        for (int ms = 0; ms < latencyMs.length; ms++) {
            cumulative += latencyMs[ms];
            if (cumulative >= rank) {
                return (double) ms;
            }
        }
        return (double) (latencyMs.length - 1);
    }
}
