package io.digitstream.console.feed;

import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.message.Prediction;

/** What the console does with each record it reads; called on the feed's one thread, in order per partition. */
public interface FeedListener {
    /** A prediction's facts, with the time its record was written and the time the console read it. */
    default void prediction(PredictionFacts prediction, long recordTimestamp, long readAt) {}

    /** A prediction whose id the feed was asked to decode whole (a drawing's). */
    default void wholePrediction(Prediction prediction, long readAt) {}

    /**
     * A dead letter: the refused event's key (its id, when it had one), the error code and the
     * sentence from its headers.
     */
    default void deadLetter(String key, String code, String message, long recordTimestamp, long readAt) {}

    /** A model snapshot record, as written (the console decodes and checks it itself). */
    default void snapshot(String key, byte[] envelope, long recordTimestamp) {}

    default void decision(ModelDecision decision) {}

    default void accuracy(AccuracyReport report) {}
}
