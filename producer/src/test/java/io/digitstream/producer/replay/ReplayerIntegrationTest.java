package io.digitstream.producer.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.cluster.TopicAdmin;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.producer.images.ImageSender;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.testing.BrokerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BrokerTest
class ReplayerIntegrationTest {
    private static EmbeddedKafka kafka;
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;

    @TempDir
    Path files;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.onFreePort().start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(TOPICS, TopicLayout.DEFAULT), Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void theRateLimitHoldsWithinTenPercentAndEveryImageArrivesWithItsLabel() {
        var plan = new ReplayPlan(100, 600, 42L, 200, false, "rate-");
        Replayer.Result result;
        try (var replayer = new Replayer(kafka.bootstrapServers(), TOPICS.digitsIn())) {
            replayer.replay(MnistFixture.test(), new ReplayPlan(0, 50, null, 0, false, "warm-"), null); // connect first
            result = replayer.replay(MnistFixture.test(), plan, null);
        }

        // 600 images at 200/s: 3 s
        assertThat(result.sent()).isEqualTo(600);
        assertThat(result.perSecond()).isBetween(180.0, 220.0);

        List<ImageEvent> events = readAll(650);
        var ids = new HashSet<String>();
        var fixture = MnistFixture.test();
        for (ImageEvent e : events) {
            if (e.id().startsWith("rate-")) {
                ids.add(e.id());
                int index = Integer.parseInt(e.id().substring(5));
                assertThat(e.label()).isEqualTo(fixture.label(index));
                assertThat(((Image.Pixels) e.image()).grey()).isEqualTo(fixture.image(index));
            }
        }
        assertThat(ids).hasSize(600);
    }

    @Test
    void eachBadFileIsNamedAndTheRestAreStillSent() throws Exception {
        Path missing = files.resolve("missing.png");
        Path text = Files.writeString(files.resolve("notes.png"), "not an image");
        Path good = Files.write(
                files.resolve("seven.png"),
                io.digitstream.mnist.image.MnistStyle.toPng(MnistFixture.test().image(0), 2, true));

        // no classifier runs here: the good file is sent and then waits in vain, which is reported too
        List<ImageSender.Outcome> outcomes = new ImageSender(kafka.bootstrapServers(), TOPICS)
                .send(List.of(missing, text, good), Duration.ofSeconds(3));

        assertThat(outcomes).hasSize(3);
        assertThat(((ImageSender.Failed) outcomes.get(0)).reason()).isEqualTo("no such file");
        assertThat(((ImageSender.Failed) outcomes.get(1)).reason()).startsWith("UNDECODABLE_IMAGE");
        assertThat(((ImageSender.Failed) outcomes.get(2)).reason()).contains("no prediction came");
        assertThat(readAll(1).stream().map(ImageEvent::id)).anyMatch(id -> id.startsWith("seven.png-"));
    }

    @Test
    void aBrokerThatIsDownIsAClearError() {
        List<ImageSender.Outcome> outcomes =
                new ImageSender("127.0.0.1:1", TOPICS).send(List.of(files.resolve("x.png")), Duration.ofSeconds(2));
        assertThat(((ImageSender.Failed) outcomes.get(0)).reason()).contains("127.0.0.1:1");
        assertThatThrownBy(() -> new ReplayPlan(0, -1, null, 0, false, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<ImageEvent> readAll(int atLeast) {
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "reader-" + System.nanoTime(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                MessageSerdes.imageEvent().deserializer())) {
            consumer.subscribe(List.of(TOPICS.digitsIn()));
            List<ImageEvent> events = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
                return events.size() >= atLeast;
            });
            return events;
        }
    }
}
