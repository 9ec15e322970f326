package io.digitstream.app.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.app.LauncherProcess;
import io.digitstream.classifier.TestModels;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.testing.BrokerTest;
import io.digitstream.testing.KafkaTestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A real crash: the classifier runs as its own OS process and is killed with SIGKILL in the middle
 * of a 5,000-image replay, with images waiting in its micro-batch buffer; a new process takes over.
 */
@BrokerTest
class ClassifierCrashTest {
    private static final int IMAGES = 5000;
    private static EmbeddedKafka kafka;

    @TempDir
    Path work;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.onFreePort().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
    void aKilledClassifierLosesNothing(String guarantee) throws Exception {
        TopicNames topics = TopicNames.DEFAULTS.withPrefix("crash-" + guarantee + "-");
        KafkaTestSupport.createTopics(kafka, topics);
        TestModels.publish(kafka, topics, 1);

        Path stateDir = work.resolve("state");
        Process first = startClassifier(topics, guarantee, stateDir, work.resolve("first.log"));
        var producerThread = new Thread(() -> replay(topics), "replay");
        Map<String, Integer> counts = new HashMap<>();
        try (var reader = predictionReader(topics)) {
            producerThread.start();
            // kill it mid-replay, once it has predicted a good part
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                poll(reader, counts);
                return counts.size() >= IMAGES / 4;
            });
            first.destroyForcibly().waitFor();
            int beforeKill = counts.size();
            producerThread.join();

            Process second = startClassifier(topics, guarantee, stateDir, work.resolve("second.log"));
            try {
                await().atMost(Duration.ofMinutes(4)).until(() -> {
                    poll(reader, counts);
                    return counts.size() == IMAGES;
                });
                // anything still in flight after the last id arrives
                await().pollDelay(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> true);
                poll(reader, counts);
            } finally {
                second.destroy();
                second.waitFor();
            }

            long duplicated = counts.values().stream().filter(n -> n > 1).count();
            LoggerFactory.getLogger(ClassifierCrashTest.class)
                    .info(
                            "{}: SIGKILL after {} of {} images were predicted; after the restart all {} were, {} of them more than once",
                            guarantee,
                            beforeKill,
                            IMAGES,
                            counts.size(),
                            duplicated);
            assertThat(beforeKill).isLessThan(IMAGES);
            assertThat(counts).hasSize(IMAGES);
            if (guarantee.equals("exactly_once_v2")) {
                assertThat(counts.values())
                        .as("every image predicted exactly once")
                        .allMatch(n -> n == 1);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void whenOneOfTwoInstancesIsKilledTheOtherTakesOverEveryPartition() throws Exception {
        TopicNames topics = TopicNames.DEFAULTS.withPrefix("scale-");
        KafkaTestSupport.createTopics(kafka, topics);
        TestModels.publish(kafka, topics, 1);
        Process survivor =
                startClassifier(topics, "at_least_once", work.resolve("state-a"), work.resolve("a.log"), "scale");
        Process victim =
                startClassifier(topics, "at_least_once", work.resolve("state-b"), work.resolve("b.log"), "scale");
        Map<String, Integer> counts = new HashMap<>();
        var producerThread = new Thread(() -> replay(topics), "replay");
        try (var reader = predictionReader(topics)) {
            producerThread.start();
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                poll(reader, counts);
                return counts.size() >= IMAGES / 4;
            });
            victim.destroyForcibly().waitFor();
            producerThread.join();
            await().atMost(Duration.ofMinutes(4)).until(() -> {
                poll(reader, counts);
                return counts.size() == IMAGES;
            });
            assertThat(survivor.isAlive()).isTrue();
            assertThat(counts).hasSize(IMAGES);
        } finally {
            survivor.destroy();
            survivor.waitFor();
        }
    }

    private static void poll(KafkaConsumer<String, Prediction> reader, Map<String, Integer> counts) {
        reader.poll(Duration.ofMillis(200)).forEach(r -> counts.merge(r.key(), 1, Integer::sum));
    }

    /** 5,000 distinct images: the fixture five times over, paced so the kill lands mid-replay. */
    private static void replay(TopicNames topics) {
        MnistDataset test = MnistFixture.test();
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                MessageSerdes.imageEvent().serializer())) {
            for (int i = 0; i < IMAGES; i++) {
                int index = i % test.size();
                var event = new ImageEvent(
                        "crash-" + i,
                        new Image.Pixels(test.image(index)),
                        test.label(index),
                        System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topics.digitsIn(), event.id(), event));
                if (i % 500 == 499) {
                    producer.flush();
                }
            }
        }
    }

    private static KafkaConsumer<String, Prediction> predictionReader(TopicNames topics) {
        return KafkaTestSupport.predictionReader(kafka, topics);
    }

    /** The test trainer's public key, where a classifier process can read it. */
    private Path trustedKeys() throws java.io.IOException {
        Path file = work.resolve("trainer.pub");
        if (!java.nio.file.Files.exists(file)) {
            java.nio.file.Files.writeString(file, TestModels.KEY.publicPem());
        }
        return file;
    }

    private Process startClassifier(TopicNames topics, String guarantee, Path stateDir, Path log) throws Exception {
        return startClassifier(topics, guarantee, stateDir, log, "crash-" + guarantee);
    }

    private Process startClassifier(TopicNames topics, String guarantee, Path stateDir, Path log, String applicationId)
            throws Exception {
        return LauncherProcess.start(
                log,
                "classifier",
                "--trusted-keys",
                trustedKeys().toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--application-id",
                applicationId,
                "--digits-topic",
                topics.digitsIn(),
                "--predictions-topic",
                topics.predictionsOut(),
                "--snapshots-topic",
                topics.modelSnapshots(),
                "--dlq-topic",
                topics.deadLetters(),
                "--accuracy-topic",
                topics.accuracyOut(),
                "--processing-guarantee",
                guarantee,
                // big, slow batches: many images wait in the buffer when the kill comes
                "--max-batch",
                "256",
                "--max-delay-ms",
                "200",
                "--state-dir",
                stateDir.toString(),
                "--metrics-port",
                "-1");
    }
}
