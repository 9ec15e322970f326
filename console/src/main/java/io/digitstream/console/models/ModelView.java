package io.digitstream.console.models;

import io.digitstream.schemas.message.AccuracyReport;
import java.util.List;

/**
 * One model version as the models page shows it: what its snapshot says, what the console's own
 * check found, what each classifier instance decided, and how it does on live traffic.
 *
 * @param publishedAt     when its snapshot was written to the topic; null when the console only
 *                        knows the version from decisions (the snapshot was compacted away)
 * @param training        the trainer's facts from the signed header
 * @param trust           {@code TRUSTED}, {@code UNSIGNED} (allowed), or the code the signature check refused it with
 * @param check           the console's verification: {@link Check}
 * @param decisions       each instance's latest decision on it
 * @param servedBy        the instances serving it now
 * @param live            the latest accuracy report for it on labelled live traffic, if any
 */
public record ModelView(
        long version,
        Long publishedAt,
        Long createdAt,
        Training training,
        String signer,
        Long rollbackOf,
        String trust,
        Check check,
        List<Decision> decisions,
        List<String> servedBy,
        AccuracyReport live) {

    /** From the snapshot header. */
    public record Training(
            String recipe, double epochs, long examplesSeen, Double testAccuracy, Integer testExamples) {}

    /**
     * The console's check of the snapshot: {@code PENDING}, {@code VERIFIED} (with its score on the
     * holdout set and the confusion matrix, {@code confusion[label][predicted]}), {@code REJECTED}
     * (code and reason), or {@code NOT_LOADED} (untrusted, or only known from decisions).
     */
    public record Check(
            String status,
            String code,
            String reason,
            Double holdoutAccuracy,
            Integer holdoutExamples,
            int[][] confusion) {
        static Check pending() {
            return new Check("PENDING", null, null, null, null, null);
        }

        static Check notLoaded(String reason) {
            return new Check("NOT_LOADED", null, reason, null, null, null);
        }
    }

    /** One instance's latest decision on this version. */
    public record Decision(
            String instance, String outcome, String code, String reason, Double holdoutAccuracy, long decidedAt) {}
}
