package io.digitstream.console.draw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.TestModels;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.console.models.ModelCatalog;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.Json;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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
    void aBurstOfImagesTakesItsSlotsBeforeDecodingAndDecodesOneAtATime() throws Exception {
        var decoding = new AtomicInteger();
        var mostAtOnce = new AtomicInteger();
        var decoded = new AtomicInteger();
        var entered = new AtomicInteger();
        int burst = Drawings.MAX_WAITING + 30;
        Function<byte[], Decoded<byte[]>> slowDecoder = image -> {
            mostAtOnce.accumulateAndGet(decoding.incrementAndGet(), Math::max);
            // a decode lasts until every request of the burst has come in: decodes that could
            // overlap then do
            await().atMost(Duration.ofSeconds(30)).until(() -> entered.get() == burst);
            decoded.incrementAndGet();
            decoding.decrementAndGet();
            return Decoded.invalid(ErrorCode.UNDECODABLE_IMAGE, "not looked at");
        };
        try (var catalog = new ModelCatalog(TestModels.MODEL, TestModels.TRUST, TestModels.HOLDOUT);
                var drawings = new Drawings(
                        KafkaConnection.to("127.0.0.1:9"),
                        TopicNames.DEFAULTS,
                        catalog,
                        Duration.ofSeconds(30),
                        System::currentTimeMillis,
                        slowDecoder)) {
            var start = new CountDownLatch(1);
            List<CompletableFuture<DrawOutcome>> outcomes = new ArrayList<>();
            ExecutorService requests = Executors.newFixedThreadPool(burst);
            try {
                List<Future<CompletableFuture<DrawOutcome>>> submitted = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    submitted.add(requests.submit(() -> {
                        start.await();
                        entered.incrementAndGet();
                        return drawings.submit(new byte[] {1});
                    }));
                }
                start.countDown();
                for (var future : submitted) {
                    outcomes.add(future.get(60, TimeUnit.SECONDS));
                }
            } finally {
                requests.shutdownNow();
            }

            long busy = outcomes.stream()
                    .map(o -> o.getNow(null))
                    .filter(o -> o instanceof DrawOutcome.NotSent n && n.code().equals(DrawOutcome.NotSent.BUSY))
                    .count();
            assertThat(busy).as("refused at once, before decoding").isEqualTo(burst - Drawings.MAX_WAITING);
            assertThat(decoded).as("only what had a slot was decoded").hasValue(Drawings.MAX_WAITING);
            assertThat(mostAtOnce).as("decodes running at once").hasValue(1);
        }
    }

    @Test
    void everyOutcomeSaysItsStatusInJson() throws Exception {
        assertThat(Json.MAPPER.writeValueAsString(new DrawOutcome.DeadLettered("d", "BLANK_IMAGE", "no ink", 40, null)))
                .contains("\"status\":\"DEAD_LETTER\"", "\"code\":\"BLANK_IMAGE\"");
        assertThat(Json.MAPPER.writeValueAsString(new DrawOutcome.NoAnswer("d", 15_000, "none")))
                .contains("\"status\":\"NO_ANSWER\"", "\"waitedMs\":15000");
        assertThat(Json.MAPPER.writeValueAsString(
                        new DrawOutcome.Predicted("d", 7, 0.9, false, new double[10], 3, 12, new int[784], null)))
                .contains("\"status\":\"PREDICTED\"", "\"digit\":7", "\"modelVersion\":3");
    }
}
