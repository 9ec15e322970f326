package io.digitstream.classifier.metrics;

/** What {@code GET /health} answers: 200 when ready for traffic, else 503; {@code detail} says why. */
public record Readiness(boolean ready, String detail) {
    public static Readiness ready(String detail) {
        return new Readiness(true, detail);
    }

    public static Readiness notReady(String detail) {
        return new Readiness(false, detail);
    }
}
