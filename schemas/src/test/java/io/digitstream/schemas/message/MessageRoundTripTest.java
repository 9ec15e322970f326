package io.digitstream.schemas.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MessageRoundTripTest {

    static byte[] gradient() {
        byte[] grey = new byte[Mnist.PIXELS];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) (i % 256);
        }
        return grey;
    }

    @Test
    void pixelEventRoundTripsAndMatchesItsSchema() throws Exception {
        var event = new ImageEvent("img-1", new Image.Pixels(gradient()), 7, 1_700_000_000_000L);
        var serde = MessageSerdes.imageEvent();

        byte[] bytes = serde.serializer().serialize("digits-in", event);

        assertThat(serde.deserializer().deserialize("digits-in", bytes)).isEqualTo(event);
        assertThat(JsonSchemas.validate("image-event.schema.json", bytes)).isEmpty();
    }

    @Test
    void encodedImageEventWithoutOptionalFieldsRoundTrips() throws Exception {
        var event = new ImageEvent(
                "img-2", new Image.Encoded(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}), null, null);

        byte[] bytes = ImageEventCodec.encode(event);

        assertThat(ImageEventCodec.decode("img-2", bytes)).isEqualTo(Decoded.valid(event));
        assertThat(JsonSchemas.validate("image-event.schema.json", bytes)).isEmpty();
    }

    @Test
    void pixelsGivenAsAnIntArrayAreReadAndMatchTheSchema() throws Exception {
        String array = IntStream.range(0, Mnist.PIXELS)
                .mapToObj(i -> Integer.toString(i % 256))
                .reduce((a, b) -> a + "," + b)
                .orElseThrow();
        byte[] json = ("{\"id\":\"a\",\"pixels\":[" + array + "],\"label\":3,\"extra\":\"ignored\"}").getBytes();

        var decoded = ImageEventCodec.decode("a", json);

        assertThat(decoded).isEqualTo(Decoded.valid(new ImageEvent("a", new Image.Pixels(gradient()), 3, null)));
        assertThat(JsonSchemas.validate("image-event.schema.json", json)).isEmpty();
    }

    @Test
    void schemaRejectsAnEventWithBothPixelsAndImage() throws Exception {
        var json = "{\"id\":\"a\",\"image\":\"iVBORw==\",\"pixels\":[1]}".getBytes();
        assertThat(JsonSchemas.validate("image-event.schema.json", json)).isNotEmpty();
    }

    @Test
    void predictionRoundTripsAndMatchesItsSchema() throws Exception {
        double[] probabilities = {0.01, 0.01, 0.01, 0.9, 0.01, 0.01, 0.01, 0.02, 0.01, 0.01};
        var prediction = new Prediction(
                "img-1", 3, 0.9, probabilities, "mnist-cnn", 4L, 3, 1_700_000_000_000L, 1_700_000_000_012L, 32, false);
        var serde = MessageSerdes.prediction();

        byte[] bytes = serde.serializer().serialize("predictions-out", prediction);

        assertThat(serde.deserializer().deserialize("predictions-out", bytes)).isEqualTo(prediction);
        assertThat(JsonSchemas.validate("prediction.schema.json", bytes)).isEmpty();
        assertThat(prediction.correct()).isTrue();
        assertThat(prediction.latencyMillis()).isEqualTo(12L);
    }

    @Test
    void aNetworksFloatProbabilitiesAreWrittenShortAndReadBackToTheSameFloats() throws Exception {
        float[] network = {1.2345678e-7f, 0.0001f, 0.003f, 0.8999999f, 0.01f, 0.02f, 0.03f, 0.04f, 0.00049f, 0.0050001f
        };
        double[] probabilities = new double[10];
        for (int i = 0; i < 10; i++) {
            probabilities[i] = network[i];
        }
        var prediction = new Prediction(
                "img-2",
                3,
                (double) network[3],
                probabilities,
                "mnist-cnn",
                4L,
                null,
                null,
                1_700_000_000_012L,
                1,
                true);
        var serde = MessageSerdes.prediction();

        byte[] bytes = serde.serializer().serialize("predictions-out", prediction);
        Prediction read = serde.deserializer().deserialize("predictions-out", bytes);

        for (int i = 0; i < 10; i++) {
            assertThat((float) read.probabilities()[i]).isEqualTo(network[i]);
        }
        assertThat((float) read.confidence().doubleValue()).isEqualTo(network[3]);
        assertThat(read.label()).isNull();
        assertThat(read.uncertain()).isTrue();
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).contains("\"confidence\":0.8999999,");
        // Jackson's bean serializer writes each widened float with up to 17 digits
        assertThat(bytes.length).isLessThan(Json.MAPPER.writeValueAsBytes(prediction).length * 3 / 4);
        assertThat(JsonSchemas.validate("prediction.schema.json", bytes)).isEmpty();
    }

    @Test
    void aPredictionFromBeforeTheUncertainFieldReadsAsNotSaid() throws Exception {
        String older = "{\"id\":\"img-3\",\"digit\":1,\"confidence\":0.5,\"probabilities\":[0,0.5,0.5,0,0,0,0,0,0,0],"
                + "\"modelName\":\"mnist-cnn\",\"modelVersion\":2,\"emittedAt\":1,\"batchSize\":1}";
        byte[] bytes = older.getBytes(java.nio.charset.StandardCharsets.UTF_8);

        Prediction read = MessageSerdes.prediction().deserializer().deserialize("predictions-out", bytes);

        assertThat(read.uncertain()).isNull();
        assertThat(PredictionCodec.encode(read)).asString().doesNotContain("uncertain");
        assertThat(JsonSchemas.validate("prediction.schema.json", bytes)).isEmpty();
    }

    @Test
    void accuracyReportRoundTripsAndMatchesItsSchema() throws Exception {
        var report = new AccuracyReport("mnist-cnn", 2L, 1000L, 981L, 500, 500, 492, 3.5, 11.0, 1_700_000_000_000L);
        var serde = MessageSerdes.accuracyReport();

        byte[] bytes = serde.serializer().serialize("accuracy-out", report);

        assertThat(serde.deserializer().deserialize("accuracy-out", bytes)).isEqualTo(report);
        assertThat(JsonSchemas.validate("accuracy-report.schema.json", bytes)).isEmpty();
        assertThat(Json.MAPPER.readTree(bytes).get("accuracy").asDouble()).isEqualTo(0.981);
    }

    @Test
    void snapshotRoundTripsAndItsHeaderMatchesTheSchema() throws Exception {
        var snapshot = snapshot(new byte[] {1, 2, 3, 4, 5});

        byte[] bytes = SnapshotCodec.encodeUnsigned(snapshot);

        assertThat(SnapshotCodec.decode(bytes, SnapshotTrust.unchecked())).isEqualTo(Decoded.valid(snapshot));
        assertThat(JsonSchemas.validate(
                        "snapshot-header.schema.json", Json.MAPPER.writeValueAsBytes(snapshot.header())))
                .isEmpty();
    }

    static ModelSnapshot snapshot(byte[] payload) {
        var header = new SnapshotHeader(
                "mnist-cnn",
                3L,
                1_700_000_000_000L,
                SnapshotHeader.ONNX_GRAPH,
                SnapshotCodec.sha256Hex(payload),
                List.of(1, 28, 28),
                10,
                new TrainingFacts("seed", 1.0, 60_000, 0.985, 10_000));
        return new ModelSnapshot(header, payload);
    }
}
