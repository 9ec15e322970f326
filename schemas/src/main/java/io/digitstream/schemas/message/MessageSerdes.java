package io.digitstream.schemas.message;

import org.apache.kafka.common.serialization.Serde;

/** The serde of each message type. */
public final class MessageSerdes {
    private MessageSerdes() {
    }

    public static Serde<ImageEvent> imageEvent() {
        return new ImageEventSerde();
    }

    public static Serde<Prediction> prediction() {
        return new JsonSerde<>(Prediction.class);
    }

    public static Serde<AccuracyReport> accuracyReport() {
        return new JsonSerde<>(AccuracyReport.class);
    }
}
