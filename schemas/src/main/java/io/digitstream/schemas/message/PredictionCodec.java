package io.digitstream.schemas.message;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a {@link Prediction} as JSON with a streaming generator, field by field: the classifier
 * writes one per image, and Jackson's bean serializer and its doubles cost the stream thread
 * about a tenth of its time (JFR). Probabilities come from a float32 network: a value that is
 * exactly a float is written as the float's shortest decimal ({@code 0.9}, not
 * {@code 0.8999999761581421}), which reads back to the same float and makes the message about a
 * third smaller. Reading stays with Jackson's data binding ({@link JsonSerde}).
 */
public final class PredictionCodec {
    private PredictionCodec() {}

    public static byte[] encode(Prediction prediction) {
        var out = new ByteArrayOutputStream(320);
        try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("id", prediction.id());
            gen.writeNumberField("digit", prediction.digit());
            gen.writeFieldName("confidence");
            writeProbability(gen, prediction.confidence());
            gen.writeArrayFieldStart("probabilities");
            for (double p : prediction.probabilities()) {
                writeProbability(gen, p);
            }
            gen.writeEndArray();
            gen.writeStringField("modelName", prediction.modelName());
            gen.writeNumberField("modelVersion", prediction.modelVersion());
            if (prediction.label() != null) {
                gen.writeNumberField("label", prediction.label());
            }
            if (prediction.sentAt() != null) {
                gen.writeNumberField("sentAt", prediction.sentAt());
            }
            gen.writeNumberField("emittedAt", prediction.emittedAt());
            gen.writeNumberField("batchSize", prediction.batchSize());
            if (prediction.uncertain() != null) {
                gen.writeBooleanField("uncertain", prediction.uncertain());
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeProbability(JsonGenerator gen, double p) throws IOException {
        float asFloat = (float) p;
        if (asFloat == p) {
            gen.writeNumber(asFloat);
        } else {
            gen.writeNumber(p);
        }
    }
}
