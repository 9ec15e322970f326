package io.digitstream.schemas.message;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The serde of each message type. */
public final class MessageSerdes {
    private MessageSerdes() {}

    public static Serde<ImageEvent> imageEvent() {
        return new ImageEventSerde();
    }

    /** Writing in this form; reading either. */
    public static Serde<ImageEvent> imageEvent(ImageEventEncoding encoding) {
        return new ImageEventSerde(encoding);
    }

    public static Serde<Prediction> prediction() {
        Serde<Prediction> json = new JsonSerde<>(Prediction.class);
        return Serdes.serdeFrom(
                (topic, prediction) -> prediction == null ? null : PredictionCodec.encode(prediction),
                json.deserializer());
    }

    public static Serde<AccuracyReport> accuracyReport() {
        return new JsonSerde<>(AccuracyReport.class);
    }

    public static Serde<ModelDecision> modelDecision() {
        return new JsonSerde<>(ModelDecision.class);
    }
}
