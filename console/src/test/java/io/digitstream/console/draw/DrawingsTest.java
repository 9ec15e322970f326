package io.digitstream.console.draw;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.classifier.TestModels;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.console.models.ModelCatalog;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.Json;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the drawing endpoint refuses before anything reaches Kafka, and the shape the page reads. */
class DrawingsTest {

    @Test
    void refusesAnEmptyOrOversizedImageWithItsCodeAndNeverWaits() throws Exception {
        // nothing listens on this port: a drawing that got as far as sending would not come back at once
        try (var catalog = new ModelCatalog(TestModels.MODEL, TestModels.TRUST, TestModels.HOLDOUT);
                var drawings = new Drawings(
                        KafkaConnection.to("127.0.0.1:9"),
                        TopicNames.DEFAULTS,
                        catalog,
                        Duration.ofSeconds(30),
                        System::currentTimeMillis)) {
            DrawOutcome empty = drawings.submit(new byte[0]).getNow(null);
            DrawOutcome huge = drawings.submit(new byte[TopicSpecs.MAX_ENCODED_IMAGE_BYTES + 1])
                    .getNow(null);

            assertThat(empty)
                    .isInstanceOfSatisfying(
                            DrawOutcome.NotSent.class, n -> assertThat(n.code()).isEqualTo(ErrorCode.NO_IMAGE.name()));
            assertThat(huge)
                    .isInstanceOfSatisfying(
                            DrawOutcome.NotSent.class,
                            n -> assertThat(n.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE.name()));
            assertThat(drawings.waiting()).isZero();
        }
    }

    @Test
    void everyOutcomeSaysItsStatusInJson() throws Exception {
        assertThat(Json.MAPPER.writeValueAsString(new DrawOutcome.DeadLettered("d", "BLANK_IMAGE", "no ink", 40, null)))
                .contains("\"status\":\"DEAD_LETTER\"", "\"code\":\"BLANK_IMAGE\"");
        assertThat(Json.MAPPER.writeValueAsString(new DrawOutcome.NoAnswer("d", 15_000, "none")))
                .contains("\"status\":\"NO_ANSWER\"", "\"waitedMs\":15000");
        assertThat(Json.MAPPER.writeValueAsString(
                        new DrawOutcome.Predicted("d", 7, 0.9, new double[10], 3, 12, new int[784], null)))
                .contains("\"status\":\"PREDICTED\"", "\"digit\":7", "\"modelVersion\":3");
    }
}
