package io.digitstream.app.demo;

import io.digitstream.schemas.message.AccuracyReport;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the demo saw.
 *
 * @param sent              images replayed
 * @param predicted         distinct images that got a prediction
 * @param versionsServing   model versions that made predictions, in order of first use
 * @param snapshotsPublished snapshots the trainer published
 * @param accuracy          the latest accuracy report per version
 */
public record DemoSummary(
        long sent,
        long predicted,
        Set<Long> versionsServing,
        int snapshotsPublished,
        Map<Long, AccuracyReport> accuracy,
        double deadLetters,
        Duration elapsed) {

    public int hotSwapsSeen() {
        return Math.max(0, versionsServing.size() - 1);
    }

    public boolean everyImagePredicted() {
        return sent > 0 && predicted == sent;
    }

    public String render() {
        var out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%nSummary: %,d images sent, %,d predicted%s in %.1f s; %d snapshots published, "
                        + "%d hot swaps seen while serving; %.0f dead letters%n",
                sent,
                predicted,
                everyImagePredicted() ? " (all)" : " (NOT all)",
                elapsed.toMillis() / 1000.0,
                snapshotsPublished,
                hotSwapsSeen(),
                deadLetters));
        out.append(String.format(Locale.ROOT, "%-8s %10s %10s %9s%n", "version", "seen", "correct", "accuracy"));
        accuracy.values().stream()
                .sorted(java.util.Comparator.comparing(AccuracyReport::modelVersion))
                .forEach(r -> out.append(String.format(
                        Locale.ROOT,
                        "v%-7d %,10d %,10d %8.2f%%%n",
                        r.modelVersion(),
                        r.seen(),
                        r.correct(),
                        100 * r.accuracy())));
        return out.toString();
    }
}
