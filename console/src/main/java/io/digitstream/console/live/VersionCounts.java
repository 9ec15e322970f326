package io.digitstream.console.live;

/**
 * The predictions one model version made since the console started reading.
 *
 * @param labelled how many of them had a label (replayed test images)
 * @param correct  how many of those the version got right
 * @param firstAt  when the first was emitted
 * @param lastAt   when the latest was emitted
 */
public record VersionCounts(long version, long predictions, long labelled, long correct, long firstAt, long lastAt) {
    /** Accuracy on the labelled predictions, or null when there were none. */
    public Double accuracy() {
        return labelled == 0 ? null : (double) correct / labelled;
    }
}
