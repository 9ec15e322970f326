package io.digitstream.console.models;

/**
 * One thing that happened to a model version, as the page's timeline shows it.
 *
 * @param sequence the order the console learnt of it: the id of its Server-Sent Event, so a page
 *                 that reconnects asks only for what it missed
 * @param at       when it happened (epoch milliseconds): the record's time, the decision's, or the
 *                 first prediction's
 * @param instance the classifier instance, for a decision
 * @param code     the error code, for a rejection
 * @param text     one sentence for people
 */
public record TimelineEntry(
        long sequence, long at, Kind kind, long version, String instance, String code, String text) {
    public enum Kind {
        /** A snapshot appeared on the snapshots topic. */
        PUBLISHED,
        /** A classifier instance serves it. */
        SERVING,
        /** A classifier instance refused it (the code says why). */
        REJECTED,
        /** Its first prediction reached predictions-out: the swap, as users see it. */
        FIRST_PREDICTION,
        /**
         * A snapshot record the console's admission refused before loading it: unreadable,
         * oversized, unsigned or untrusted (no version shown: nothing of it is trusted), another
         * model's, or older than the newest admitted.
         */
        REFUSED
    }
}
