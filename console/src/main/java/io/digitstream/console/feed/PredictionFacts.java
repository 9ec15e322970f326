package io.digitstream.console.feed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.digitstream.schemas.message.Json;
import io.digitstream.schemas.message.Prediction;
import java.io.IOException;

/**
 * The fields of a prediction the live view counts, read without the ten probabilities: the console
 * reads every prediction the pipeline writes, and decoding each one whole was most of its CPU.
 *
 * @param label    the true digit, when the event had one
 * @param sentAt   when the producer sent the image, when it said
 */
public record PredictionFacts(String id, int digit, Integer label, long modelVersion, Long sentAt, long emittedAt) {

    /** Milliseconds from the producer's send to the emission, when the event said when it was sent. */
    public Long latencyMillis() {
        return sentAt == null ? null : emittedAt - sentAt;
    }

    public boolean correct() {
        return label != null && label == digit;
    }

    public static PredictionFacts of(Prediction p) {
        return new PredictionFacts(p.id(), p.digit(), p.label(), p.modelVersion(), p.sentAt(), p.emittedAt());
    }

    /**
     * The facts of a prediction's JSON (schemas/prediction.schema.json).
     *
     * @throws IOException when the bytes are not such JSON or lack a required field
     */
    public static PredictionFacts read(byte[] json) throws IOException {
        String id = null;
        Integer digit = null;
        Integer label = null;
        Long version = null;
        Long sentAt = null;
        Long emittedAt = null;
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a prediction is a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                boolean isNull = value == JsonToken.VALUE_NULL;
                switch (field) {
                    case "id" -> id = isNull ? null : parser.getValueAsString();
                    case "digit" -> digit = isNull ? null : parser.getIntValue();
                    case "label" -> label = isNull ? null : parser.getIntValue();
                    case "modelVersion" -> version = isNull ? null : parser.getLongValue();
                    case "sentAt" -> sentAt = isNull ? null : parser.getLongValue();
                    case "emittedAt" -> emittedAt = isNull ? null : parser.getLongValue();
                    default -> parser.skipChildren();
                }
            }
        }
        if (id == null || digit == null || version == null || emittedAt == null) {
            throw new IOException("a prediction needs id, digit, modelVersion and emittedAt");
        }
        return new PredictionFacts(id, digit, label, version, sentAt, emittedAt);
    }
}
