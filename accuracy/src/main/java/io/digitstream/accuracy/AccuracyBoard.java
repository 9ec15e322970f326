package io.digitstream.accuracy;

import io.digitstream.schemas.message.AccuracyReport;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The latest report of each model version, drawn as a table; throughput from the growth of 'seen'. */
public final class AccuracyBoard {
    private final Map<Long, AccuracyReport> latest = new TreeMap<>();
    private final Map<Long, double[]> rates = new TreeMap<>(); // version -> {seen at last draw, nanos, rate}

    public synchronized void update(AccuracyReport report) {
        AccuracyReport previous = latest.get(report.modelVersion());
        if (previous == null || previous.seen() <= report.seen()) {
            latest.put(report.modelVersion(), report);
        }
    }

    public synchronized Map<Long, AccuracyReport> reports() {
        return Map.copyOf(latest);
    }

    public synchronized long totalSeen() {
        return latest.values().stream().mapToLong(AccuracyReport::seen).sum();
    }

    /** The table; call it at a steady pace so images/s is measured over that interval. */
    public synchronized String render() {
        long now = System.nanoTime();
        var out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%-8s %10s %10s %9s %9s %10s %8s %8s%n",
                "version",
                "seen",
                "correct",
                "accuracy",
                "last-N",
                "images/s",
                "p50 ms",
                "p99 ms"));
        for (AccuracyReport r : latest.values()) {
            double[] rate = rates.computeIfAbsent(r.modelVersion(), v -> new double[] {r.seen(), now, 0});
            double seconds = (now - rate[1]) / 1e9;
            if (seconds >= 0.5) {
                rate[2] = (r.seen() - rate[0]) / seconds;
                rate[0] = r.seen();
                rate[1] = now;
            }
            out.append(String.format(
                    Locale.ROOT,
                    "v%-7d %,10d %,10d %8.2f%% %8.2f%% %,10.0f %8s %8s%n",
                    r.modelVersion(),
                    r.seen(),
                    r.correct(),
                    100 * r.accuracy(),
                    100 * r.windowAccuracy(),
                    rate[2],
                    r.latencyP50Ms() == null ? "-" : String.format(Locale.ROOT, "%.0f", r.latencyP50Ms()),
                    r.latencyP99Ms() == null ? "-" : String.format(Locale.ROOT, "%.0f", r.latencyP99Ms())));
        }
        return out.toString();
    }
}
