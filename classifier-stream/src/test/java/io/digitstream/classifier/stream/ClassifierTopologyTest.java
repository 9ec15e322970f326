package io.digitstream.classifier.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.TestModels;
import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.cluster.StreamsDefaults;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.model.admission.HighWaterMark;
import io.digitstream.schemas.DeadLetterHeaders;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.BinaryImageEvents;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.ImageEventCodec;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClassifierTopologyTest {
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;
    private static final Duration MAX_DELAY = Duration.ofMillis(50);
    private static byte[] v1;
    private static byte[] v2;
    private static byte[] v3;

    private TopologyTestDriver driver;
    /** The classifier's threshold for the next {@link #start}. */
    private double uncertainBelow = ClassifierSettings.DEFAULT_UNCERTAIN_BELOW;

    private ModelRegistry registry;
    private ClassifierMetrics metrics;
    private TestInputTopic<String, byte[]> digits;
    private TestInputTopic<String, byte[]> snapshots;
    private TestOutputTopic<String, Prediction> predictions;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void models() {
        v1 = TestModels.snapshot(1);
        v2 = TestModels.snapshot(2);
        v3 = TestModels.snapshot(3);
    }

    void start(int maxBatch, NoModelPolicy policy) {
        start(new BatchSettings(maxBatch, MAX_DELAY, policy, Duration.ofSeconds(5), 100, false));
    }

    void start(BatchSettings batch) {
        registry = new ModelRegistry();
        metrics = new ClassifierMetrics(new SimpleMeterRegistry(), "dl4j");
        var topology = ClassifierTopology.build(
                TOPICS,
                batch,
                uncertainBelow,
                registry,
                TestModels.admission(HighWaterMark.inMemory()),
                TestModels.decisions(decision -> {}),
                metrics,
                WarmUp.NONE);
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "classifier-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // as the classifier runs: its global thread's processing exceptions handled too
        StreamsDefaults.handleGlobalProcessingExceptions(props);
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(10_000));
        digits = driver.createInputTopic(TOPICS.digitsIn(), new StringSerializer(), new ByteArraySerializer());
        snapshots = driver.createInputTopic(TOPICS.modelSnapshots(), new StringSerializer(), new ByteArraySerializer());
        predictions = driver.createOutputTopic(
                TOPICS.predictionsOut(),
                new StringDeserializer(),
                MessageSerdes.prediction().deserializer());
        deadLetters = driver.createOutputTopic(
                TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
            registry.close();
        }
    }

    private List<KeyValue<Long, PendingImage>> bufferedImages() {
        KeyValueStore<Long, PendingImage> buffer = driver.getKeyValueStore(ClassifierTopology.BUFFER_STORE);
        try (KeyValueIterator<Long, PendingImage> all = buffer.all()) {
            List<KeyValue<Long, PendingImage>> images = new ArrayList<>();
            all.forEachRemaining(images::add);
            return images;
        }
    }

    private void send(int... images) {
        for (int i : images) {
            ImageEvent event = TestModels.event(i);
            digits.pipeInput(event.id(), ImageEventCodec.encode(event));
        }
    }

    @Test
    void aPredictionLessConfidentThanTheThresholdIsFlaggedUncertain() {
        int[] images = {0, 1, 2, 3, 4, 5, 6, 7};
        start(images.length, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v1);
        send(images);
        double[] confidences = predictions.readValuesToList().stream()
                .mapToDouble(Prediction::confidence)
                .sorted()
                .toArray();
        close();

        // the median confidence as the threshold: the less confident half is flagged, the rest not
        uncertainBelow = confidences[confidences.length / 2];
        start(images.length, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v1);
        send(images);
        List<Prediction> out = predictions.readValuesToList();

        assertThat(out)
                .hasSize(images.length)
                .allSatisfy(p -> assertThat(p.uncertain())
                        .as("%s at confidence %s", p.id(), p.confidence())
                        .isEqualTo((float) p.confidence().doubleValue() < (float) uncertainBelow));
        assertThat(out).filteredOn(Prediction::uncertain).hasSize(images.length / 2);
    }

    @Test
    void aBatchRunsWhenFullAndEveryPredictionCarriesItsModelAndLabel() {
        start(4, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v1);

        send(0, 1, 2);
        assertThat(predictions.isEmpty()).as("3 of 4: still waiting").isTrue();
        assertThat(bufferedImages()).as("the three wait in the buffer").hasSize(3);
        send(3);
        assertThat(bufferedImages()).as("a classified image's slot is emptied").isEmpty();

        List<TestRecord<String, Prediction>> out = predictions.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("img-0", "img-1", "img-2", "img-3");
        for (var record : out) {
            Prediction p = record.value();
            assertThat(p.modelVersion()).isEqualTo(1L);
            assertThat(p.batchSize()).isEqualTo(4);
            assertThat(p.label())
                    .isEqualTo(TestModels.event(Integer.parseInt(p.id().substring(4)))
                            .label());
            assertThat(Arrays.stream(p.probabilities()).sum())
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(p.confidence())
                    .isEqualTo(Arrays.stream(p.probabilities()).max().orElseThrow());
            assertThat(p.probabilities()[p.digit()]).isEqualTo(p.confidence());
        }
        long correct = out.stream().filter(r -> r.value().correct()).count();
        assertThat(metrics.count("digitstream.labelled.predictions", "version", "1", "outcome", "correct"))
                .isEqualTo(correct);
        assertThat(metrics.count("digitstream.labelled.predictions", "version", "1", "outcome", "wrong"))
                .isEqualTo(4 - correct);
    }

    @Test
    void aPartialBatchRunsOnceTheOldestHasWaitedMaxDelayOfWallClockTime() {
        start(64, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v1);
        send(0, 1, 2);

        driver.advanceWallClockTime(MAX_DELAY.dividedBy(2));
        assertThat(predictions.isEmpty()).isTrue();
        driver.advanceWallClockTime(MAX_DELAY);

        assertThat(predictions.readValuesToList())
                .extracting(Prediction::batchSize)
                .containsExactly(3, 3, 3);
    }

    @Test
    void anAdaptiveBatcherRunsWhatWaitsAtTheNextTickInsteadOfWaitingMaxDelay() {
        start(BatchSettings.DEFAULTS);
        snapshots.pipeInput(TestModels.MODEL, v1);
        send(0, 1, 2);
        assertThat(predictions.isEmpty()).as("between ticks: still buffered").isTrue();

        driver.advanceWallClockTime(BatchSettings.ADAPTIVE_TICK);

        assertThat(predictions.readValuesToList())
                .extracting(Prediction::batchSize)
                .containsExactly(3, 3, 3);
        assertThat(BatchSettings.ADAPTIVE_TICK).isLessThan(BatchSettings.DEFAULTS.maxDelay());
    }

    @Test
    void aSwapTakesEffectAtABatchBoundaryAndNeverInsideABatch() {
        start(4, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v1);
        send(0, 1, 2, 3); // a full batch on v1
        send(4, 5); // half a batch waits...
        snapshots.pipeInput(TestModels.MODEL, v2);
        send(6, 7); // ...and runs whole on v2

        List<Prediction> out = predictions.readValuesToList();
        assertThat(out).extracting(Prediction::modelVersion).containsExactly(1L, 1L, 1L, 1L, 2L, 2L, 2L, 2L);
        assertThat(metrics.count("digitstream.model.swaps")).isEqualTo(2);
    }

    @Test
    void invalidAndStaleSnapshotsAreRejectedAndTheServedModelStays() {
        start(1, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v2);
        byte[] corrupt = v3.clone();
        corrupt[corrupt.length - 10] ^= 0x5A;

        snapshots.pipeInput(TestModels.MODEL, Arrays.copyOf(v3, v3.length / 2)); // truncated
        snapshots.pipeInput(TestModels.MODEL, corrupt); // changed after signing
        snapshots.pipeInput(TestModels.MODEL, v1); // older than served
        snapshots.pipeInput(TestModels.MODEL, "garbage".getBytes(StandardCharsets.UTF_8));
        send(0);

        assertThat(registry.servingVersion()).contains(2L);
        assertThat(predictions.readValue().modelVersion()).isEqualTo(2L);
        assertThat(metrics.count("digitstream.model.snapshots.rejected", "code", "TRUNCATED_SNAPSHOT"))
                .isEqualTo(1);
        assertThat(metrics.count("digitstream.model.snapshots.rejected", "code", "BAD_SIGNATURE"))
                .isEqualTo(1);
        assertThat(metrics.count("digitstream.model.snapshots.rejected", "code", "STALE_VERSION"))
                .isEqualTo(1);
        assertThat(metrics.count("digitstream.model.snapshots.rejected", "code", "BAD_MAGIC"))
                .isEqualTo(1);
    }

    @Test
    void snapshotsOfOtherModelsAreIgnored() {
        start(1, NoModelPolicy.DEAD_LETTER);
        snapshots.pipeInput("some-other-model", v1);
        assertThat(registry.servingVersion()).isEmpty();
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWithTheirReasonAndOriginalBytes() {
        start(1, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v1);
        byte[] notJson = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] undecodable =
                ImageEventCodec.encode(new ImageEvent("png", new Image.Encoded(new byte[] {1, 2, 3}), null, null));
        digits.pipeInput("a", notJson);
        digits.pipeInput("png", undecodable);
        digits.pipeInput((String) null, ImageEventCodec.encode(TestModels.event(0)));
        digits.pipeInput("x", (byte[]) null);
        send(1);

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead)
                .extracting(r -> DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.ERROR_CODE))
                .containsExactly("NOT_JSON", "UNDECODABLE_IMAGE", "MISSING_KEY", "NULL_VALUE");
        assertThat(dead.get(0).value()).isEqualTo(notJson);
        assertThat(dead.get(1).value()).isEqualTo(undecodable);
        assertThat(DeadLetterHeaders.read(dead.get(0).headers(), DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo("digits-in");
        assertThat(DeadLetterHeaders.read(dead.get(0).headers(), DeadLetterHeaders.ERROR_MESSAGE))
                .contains("not valid JSON");
        assertThat(predictions.readValuesToList()).extracting(Prediction::id).containsExactly("img-1");
        assertThat(metrics.count("digitstream.dead.letters", "code", "NOT_JSON"))
                .isEqualTo(1);
    }

    @Test
    void binaryEventsAreClassifiedLikeTheirJsonTwinsAndBadOnesAreDeadLetters() {
        start(4, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v1);
        ImageEvent json = TestModels.event(3);
        var twin = new ImageEvent("twin", json.image(), json.label(), json.sentAt());
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        byte[] value = BinaryImageEvents.encode(twin, headers);
        var tooShort = new org.apache.kafka.common.header.internals.RecordHeaders()
                .add(BinaryImageEvents.ENCODING, "pixels".getBytes(StandardCharsets.US_ASCII));

        digits.pipeInput(json.id(), ImageEventCodec.encode(json));
        digits.pipeInput(new TestRecord<>(twin.id(), value, headers));
        digits.pipeInput(new TestRecord<>("short", new byte[100], tooShort));
        send(4, 5);

        List<Prediction> out = predictions.readValuesToList();
        assertThat(out).extracting(Prediction::id).containsExactly("img-3", "twin", "img-4", "img-5");
        assertThat(out.get(1).probabilities()).containsExactly(out.get(0).probabilities());
        assertThat(out.get(1).label()).isEqualTo(json.label());
        assertThat(out.get(1).sentAt()).isEqualTo(json.sentAt());
        var dead = deadLetters.readRecordsToList();
        assertThat(dead).singleElement().satisfies(record -> {
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.ERROR_CODE))
                    .isEqualTo("BAD_PIXEL_COUNT");
            assertThat(record.value()).hasSize(100);
            assertThat(DeadLetterHeaders.read(record.headers(), BinaryImageEvents.ENCODING))
                    .isEqualTo("pixels");
        });
    }

    @Test
    void aPngIsBroughtToMnistStyleAndClassifiedLikeItsPixels() {
        start(2, NoModelPolicy.WAIT);
        snapshots.pipeInput(TestModels.MODEL, v1);
        ImageEvent raw = TestModels.event(0);
        byte[] png = MnistStyle.toPng(((Image.Pixels) raw.image()).grey(), 4, true);
        var encoded = new ImageEvent("as-png", new Image.Encoded(png), raw.label(), null);

        digits.pipeInput(raw.id(), ImageEventCodec.encode(raw));
        digits.pipeInput(encoded.id(), ImageEventCodec.encode(encoded));

        List<Prediction> out = predictions.readValuesToList();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).digit()).isEqualTo(out.get(0).digit());
    }

    @Test
    void withoutAModelImagesWaitAndAreClassifiedByTheFirstOne() {
        start(4, NoModelPolicy.WAIT);
        send(0, 1, 2, 3, 4);
        assertThat(predictions.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();

        snapshots.pipeInput(TestModels.MODEL, v1);
        driver.advanceWallClockTime(MAX_DELAY.multipliedBy(2));

        assertThat(predictions.readValuesToList()).hasSize(5).allMatch(p -> p.modelVersion() == 1L);
    }

    @Test
    void imagesThatWaitLongerThanTheNoModelTimeoutBecomeDeadLetters() {
        start(4, NoModelPolicy.WAIT);
        send(0, 1);
        driver.advanceWallClockTime(Duration.ofSeconds(6));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead)
                .extracting(r -> DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.ERROR_CODE))
                .containsExactly("NO_MODEL", "NO_MODEL");
        // the dead letter holds the event in canonical form, ready to replay
        assertThat(ImageEventCodec.decode("img-0", dead.get(0).value()).orElseThrow())
                .isEqualTo(TestModels.event(0));
    }

    @Test
    void withTheDeadLetterPolicyImagesWithoutAModelAreRefusedAtOnce() {
        start(4, NoModelPolicy.DEAD_LETTER);
        send(0);
        assertThat(DeadLetterHeaders.read(deadLetters.readRecord().headers(), DeadLetterHeaders.ERROR_CODE))
                .isEqualTo(ErrorCode.NO_MODEL.name());
    }
}
