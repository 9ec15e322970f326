package io.digitstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.model.admission.PromotionGate;
import io.digitstream.model.onnx.OnnxGraphs;
import io.digitstream.model.snapshot.HostileZips;
import io.digitstream.model.snapshot.Tripwire;
import io.digitstream.schemas.DeadLetter;
import io.digitstream.schemas.DeadLetterHeaders;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.ImageEventCodec;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.testing.BrokerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input, bad models and an unreliable broker, on a real broker: nothing lost, nothing falls over. */
@BrokerTest
class FaultToleranceIntegrationTest {
    @TempDir
    Path work;

    private ClassifierSettings settings(EmbeddedKafka kafka, TopicNames topics, String appId) throws Exception {
        var cluster =
                new KafkaConnection(kafka.bootstrapServers(), Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200"));
        return TestModels.settings(cluster)
                .optApplicationId(appId)
                .optTopics(topics)
                .optBatch(BatchSettings.DEFAULTS.withMaxBatch(32))
                .optStateDir(Files.createTempDirectory(work, "state"))
                .optStartupTimeout(Duration.ofSeconds(120))
                .build();
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        TopicSpecs.MAX_IMAGE_RECORD_BYTES,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] png(int width, int height, boolean ink) throws Exception {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        if (ink) {
            var g = image.createGraphics();
            g.fillRect(width / 3, height / 5, Math.max(1, width / 8), height * 3 / 5);
            g.dispose();
        }
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String imageEvent(String id, byte[] encoded) {
        return "{\"id\":\"" + id + "\",\"image\":\"" + Base64.getEncoder().encodeToString(encoded) + "\"}";
    }

    /** Twenty-odd ways an event can be wrong, each with the code it must get. */
    private static Map<String, Object[]> corpus() throws Exception {
        String pixels = Arrays.toString(new int[784]).replace(" ", "");
        byte[] noise = new byte[10 * 1024 * 1024];
        new Random(1).nextBytes(noise);
        Map<String, Object[]> bad = new LinkedHashMap<>();
        bad.put("bad-not-json", new Object[] {utf8("bad-not-json"), utf8("this is not json"), "NOT_JSON"});
        bad.put("bad-array", new Object[] {utf8("bad-array"), utf8("[1,2,3]"), "NOT_AN_OBJECT"});
        bad.put("bad-no-id", new Object[] {utf8("bad-no-id"), utf8("{\"pixels\":" + pixels + "}"), "MISSING_FIELD"});
        bad.put(
                "bad-id-type",
                new Object[] {utf8("bad-id-type"), utf8("{\"id\":7,\"pixels\":" + pixels + "}"), "WRONG_TYPE"});
        bad.put("bad-empty-id", new Object[] {utf8(""), utf8("{\"id\":\"\",\"pixels\":" + pixels + "}"), "EMPTY_ID"});
        bad.put("bad-no-image", new Object[] {utf8("bad-no-image"), utf8("{\"id\":\"bad-no-image\"}"), "NO_IMAGE"});
        bad.put("bad-both", new Object[] {
            utf8("bad-both"),
            utf8("{\"id\":\"bad-both\",\"pixels\":" + pixels + ",\"image\":\"AAAA\"}"),
            "AMBIGUOUS_IMAGE"
        });
        bad.put("bad-783", new Object[] {
            utf8("bad-783"),
            utf8("{\"id\":\"bad-783\",\"pixels\":" + pixels.replaceFirst("0,", "") + "}"),
            "BAD_PIXEL_COUNT"
        });
        bad.put("bad-256", new Object[] {
            utf8("bad-256"),
            utf8("{\"id\":\"bad-256\",\"pixels\":" + pixels.replaceFirst("0", "256") + "}"),
            "PIXEL_OUT_OF_RANGE"
        });
        bad.put("bad-minus", new Object[] {
            utf8("bad-minus"),
            utf8("{\"id\":\"bad-minus\",\"pixels\":" + pixels.replaceFirst("0", "-1") + "}"),
            "PIXEL_OUT_OF_RANGE"
        });
        bad.put("bad-pixel-type", new Object[] {
            utf8("bad-pixel-type"),
            utf8("{\"id\":\"bad-pixel-type\",\"pixels\":" + pixels.replaceFirst("0", "\"x\"") + "}"),
            "WRONG_TYPE"
        });
        bad.put(
                "bad-base64",
                new Object[] {utf8("bad-base64"), utf8("{\"id\":\"bad-base64\",\"pixels\":\"@@@\"}"), "BAD_BASE64"});
        bad.put("bad-png", new Object[] {
            utf8("bad-png"),
            utf8(imageEvent("bad-png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1})),
            "UNDECODABLE_IMAGE"
        });
        bad.put("bad-10mb", new Object[] {utf8("bad-10mb"), utf8(imageEvent("bad-10mb", noise)), "IMAGE_TOO_LARGE"});
        bad.put("bad-1x1", new Object[] {
            utf8("bad-1x1"), utf8(imageEvent("bad-1x1", png(1, 1, false))), "IMAGE_TOO_SMALL"
        });
        bad.put("bad-blank", new Object[] {
            utf8("bad-blank"), utf8(imageEvent("bad-blank", png(40, 40, false))), "BLANK_IMAGE"
        });
        bad.put("bad-label", new Object[] {
            utf8("bad-label"), utf8("{\"id\":\"bad-label\",\"pixels\":" + pixels + ",\"label\":10}"), "BAD_LABEL"
        });
        bad.put("bad-label-type", new Object[] {
            utf8("bad-label-type"),
            utf8("{\"id\":\"bad-label-type\",\"pixels\":" + pixels + ",\"label\":\"7\"}"),
            "WRONG_TYPE"
        });
        bad.put("bad-sent-at", new Object[] {
            utf8("bad-sent-at"),
            utf8("{\"id\":\"bad-sent-at\",\"pixels\":" + pixels + ",\"sentAt\":-1}"),
            "BAD_TIMESTAMP"
        });
        bad.put(
                "bad-null-key",
                new Object[] {null, utf8("{\"id\":\"bad-null-key\",\"pixels\":" + pixels + "}"), "MISSING_KEY"});
        bad.put("bad-null-value", new Object[] {utf8("bad-null-value"), null, "NULL_VALUE"});
        bad.put("bad-mismatch", new Object[] {
            utf8("bad-mismatch"), utf8("{\"id\":\"other\",\"pixels\":" + pixels + "}"), "KEY_MISMATCH"
        });
        bad.put("bad-binary", new Object[] {utf8("bad-binary"), new byte[] {0, (byte) 0xFF, 1, 2}, "NOT_JSON"});
        return bad;
    }

    @Test
    void aCorpusOfBadEventsMixedIntoAReplayLandsInTheDeadLetterTopicAndEveryGoodOneIsPredicted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            TopicNames topics = TopicNames.DEFAULTS;
            var meters = new SimpleMeterRegistry();
            try (var classifier = Classifier.start(settings(kafka, topics, "bad-input"), meters);
                    var producer = rawProducer(kafka)) {
                producer.send(new ProducerRecord<>(
                                topics.modelSnapshots(), utf8(TestModels.MODEL), TestModels.snapshot(1)))
                        .get();
                Map<String, Object[]> corpus = corpus();
                var bad = new ArrayList<>(corpus.values());
                for (int i = 0; i < 300; i++) {
                    ImageEvent good = TestModels.event(i);
                    producer.send(
                            new ProducerRecord<>(topics.digitsIn(), utf8(good.id()), ImageEventCodec.encode(good)));
                    if (i % 13 == 0 && !bad.isEmpty()) {
                        Object[] b = bad.remove(0);
                        producer.send(new ProducerRecord<>(topics.digitsIn(), (byte[]) b[0], (byte[]) b[1]));
                    }
                }
                bad.forEach(b -> producer.send(new ProducerRecord<>(topics.digitsIn(), (byte[]) b[0], (byte[]) b[1])));
                producer.flush();

                Set<String> predicted = new HashSet<>();
                Map<String, String> deadCodes = new HashMap<>();
                try (var predictions = reader(kafka, topics.predictionsOut());
                        var dead = reader(kafka, topics.deadLetters())) {
                    await().atMost(Duration.ofMinutes(3)).until(() -> {
                        predictions
                                .poll(Duration.ofMillis(100))
                                .forEach(r -> predicted.add(new String(r.key(), StandardCharsets.UTF_8)));
                        dead.poll(Duration.ofMillis(100))
                                .forEach(r -> deadCodes.put(
                                        r.value() == null ? "bad-null-value" : keyOf(r.key(), r.value()),
                                        DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.ERROR_CODE)));
                        return predicted.size() >= 300 && deadCodes.size() >= corpus.size();
                    });
                }
                assertThat(corpus).hasSizeGreaterThanOrEqualTo(20);
                corpus.forEach(
                        (name, b) -> assertThat(deadCodes.get(name)).as(name).isEqualTo(b[2]));
                assertThat(predicted).hasSize(300).allMatch(id -> id.startsWith("img-"));
                assertThat(meters.counter("digitstream.stream.threads.replaced").count())
                        .isZero();
            }
        }
    }

    @Test
    void recordsAtDigitsInsLimitOrDecompressingPastItAreTruncatedDeadLettersAndImagesAfterThemArePredicted()
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            TopicNames topics = TopicNames.DEFAULTS;
            var meters = new SimpleMeterRegistry();
            try (var classifier = Classifier.start(settings(kafka, topics, "huge-input"), meters);
                    var plain = oversizeProducer(kafka, "none");
                    var zstd = oversizeProducer(kafka, "zstd")) {
                plain.send(new ProducerRecord<>(
                                topics.modelSnapshots(), utf8(TestModels.MODEL), TestModels.snapshot(1)))
                        .get();
                // as large as digits-in stores it: the value plus the record's and batch's framing fill
                // max.message.bytes
                byte[] atLimit = new byte[TopicSpecs.MAX_IMAGE_RECORD_BYTES - 400];
                Arrays.fill(atLimit, (byte) 'x');
                plain.send(new ProducerRecord<>(topics.digitsIn(), utf8("at-limit"), atLimit))
                        .get();
                // a few kilobytes on the broker, 24 MiB once the classifier decompresses the batch
                byte[] bomb = new byte[24 * 1024 * 1024];
                Arrays.fill(bomb, (byte) ' ');
                bomb[0] = '{';
                zstd.send(new ProducerRecord<>(topics.digitsIn(), utf8("zstd-bomb"), bomb))
                        .get();
                for (int i = 0; i < 3; i++) {
                    ImageEvent after = TestModels.event(i);
                    plain.send(
                            new ProducerRecord<>(topics.digitsIn(), utf8(after.id()), ImageEventCodec.encode(after)));
                }
                plain.flush();

                Set<String> predicted = new HashSet<>();
                Map<String, ConsumerRecord<byte[], byte[]>> dead = new HashMap<>();
                try (var predictions = reader(kafka, topics.predictionsOut());
                        var deadLetters = reader(kafka, topics.deadLetters())) {
                    await().atMost(Duration.ofMinutes(2)).until(() -> {
                        predictions
                                .poll(Duration.ofMillis(100))
                                .forEach(r -> predicted.add(new String(r.key(), StandardCharsets.UTF_8)));
                        deadLetters
                                .poll(Duration.ofMillis(100))
                                .forEach(r -> dead.put(new String(r.key(), StandardCharsets.UTF_8), r));
                        return predicted.size() >= 3 && dead.size() >= 2;
                    });
                }
                assertThat(predicted).containsExactlyInAnyOrder("img-0", "img-1", "img-2");
                assertTruncated(dead.get("at-limit"), "NOT_JSON", atLimit.length, topics.digitsIn());
                assertTruncated(dead.get("zstd-bomb"), "NOT_JSON", bomb.length, topics.digitsIn());
                assertThat(meters.counter("digitstream.stream.threads.replaced").count())
                        .as("no record stopped a stream thread")
                        .isZero();
            }
        }
    }

    @Test
    void aFloodOfJunkOnTheSnapshotsTopicChangesNothingAndEachRecordGetsItsDecision() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            TopicNames topics = TopicNames.DEFAULTS;
            var meters = new SimpleMeterRegistry();
            try (var classifier = Classifier.start(settings(kafka, topics, "chaos"), meters);
                    var producer = rawProducer(kafka);
                    var zstd = oversizeProducer(kafka, "zstd")) {
                producer.send(new ProducerRecord<>(
                                topics.modelSnapshots(), utf8(TestModels.MODEL), TestModels.snapshot(1)))
                        .get();
                await().atMost(Duration.ofMinutes(1))
                        .until(() -> classifier.models().servingVersion().equals(java.util.Optional.of(1L)));
                long heapBefore = usedHeapAfterGc();

                Map<String, Integer> junk = new HashMap<>();
                var random = new Random(7);
                var foreign = SnapshotCodec.encode(
                        TestModels.withPayload("other-model", 9, TestModels.trainedPayload(TestModels.WELL_TRAINED)),
                        TestModels.KEY);
                byte[] unsigned = SnapshotCodec.encodeUnsigned(TestModels.modelSnapshot(7, TestModels.WELL_TRAINED));
                int images = 400;
                for (int i = 0; i < images; i++) {
                    ImageEvent event = TestModels.event(i);
                    producer.send(
                            new ProducerRecord<>(topics.digitsIn(), utf8(event.id()), ImageEventCodec.encode(event)));
                    if (i % 2 == 0) { // unique keys, as a writer filling memory would use
                        byte[] noise = new byte[1024];
                        random.nextBytes(noise);
                        producer.send(new ProducerRecord<>(topics.modelSnapshots(), utf8("junk-" + i), noise));
                        junk.merge("BAD_MAGIC", 1, Integer::sum);
                    }
                    if (i % 20 == 0) { // small on the broker, 24 MiB each once decompressed
                        byte[] bomb = new byte[24 * 1024 * 1024];
                        System.arraycopy(utf8("DGSN"), 0, bomb, 0, 4);
                        zstd.send(new ProducerRecord<>(topics.modelSnapshots(), utf8(TestModels.MODEL), bomb))
                                .get();
                        junk.merge("SNAPSHOT_TOO_LARGE", 1, Integer::sum);
                    }
                    if (i % 20 == 5) {
                        producer.send(new ProducerRecord<>(topics.modelSnapshots(), utf8(TestModels.MODEL), unsigned));
                        junk.merge("UNSIGNED_SNAPSHOT", 1, Integer::sum);
                    }
                    if (i % 20 == 10) {
                        producer.send(new ProducerRecord<>(topics.modelSnapshots(), utf8(TestModels.MODEL), foreign));
                        junk.merge("FOREIGN_MODEL", 1, Integer::sum);
                    }
                }
                producer.flush();

                Set<String> predicted = new HashSet<>();
                Map<String, Integer> decided = new HashMap<>();
                var decisionReader = MessageSerdes.modelDecision().deserializer();
                try (var predictions = reader(kafka, topics.predictionsOut());
                        var decisions = reader(kafka, topics.modelDecisions())) {
                    await().atMost(Duration.ofMinutes(3)).until(() -> {
                        predictions
                                .poll(Duration.ofMillis(100))
                                .forEach(r -> predicted.add(new String(r.key(), StandardCharsets.UTF_8)));
                        decisions.poll(Duration.ofMillis(100)).forEach(r -> {
                            ModelDecision d = decisionReader.deserialize(topics.modelDecisions(), r.value());
                            if (d.code() != null) {
                                decided.merge(d.code(), 1, Integer::sum);
                            }
                        });
                        return predicted.size() >= images && decided.equals(junk);
                    });
                }
                assertThat(predicted).hasSize(images);
                assertThat(decided).isEqualTo(junk);
                assertThat(classifier.models().servingVersion()).contains(1L);
                assertThat(meters.counter("digitstream.stream.threads.replaced").count())
                        .isZero();
                // 480 MiB of decompressed bombs and 200 unique keys went through; what stays is the one model
                assertThat(usedHeapAfterGc() - heapBefore)
                        .as("heap kept after the flood")
                        .isLessThan(64L * 1024 * 1024);
            }
        }
    }

    private static long usedHeapAfterGc() {
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void assertTruncated(ConsumerRecord<byte[], byte[]> letter, String code, int size, String topic) {
        assertThat(letter).isNotNull();
        assertThat(DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.ERROR_CODE))
                .isEqualTo(code);
        assertThat(DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.TRUNCATED))
                .isEqualTo("true");
        assertThat(DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.ORIGINAL_VALUE_SIZE))
                .isEqualTo(Integer.toString(size));
        assertThat(DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo(topic);
        assertThat(DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                .isNotNull();
        assertThat(letter.value().length).isLessThanOrEqualTo(DeadLetter.MAX_CONTENT_BYTES);
    }

    /** A producer that lets a record past the client's own size check, as a careless or hostile writer's may. */
    private static KafkaProducer<byte[], byte[]> oversizeProducer(EmbeddedKafka kafka, String compression) {
        return new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        32 * 1024 * 1024,
                        ProducerConfig.BUFFER_MEMORY_CONFIG,
                        64L * 1024 * 1024,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        compression),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Dead letters keep the original key; the corpus names them by key, or by id where the key is missing. */
    private static String keyOf(byte[] key, byte[] value) {
        if (key == null) {
            return "bad-null-key";
        }
        String k = new String(key, StandardCharsets.UTF_8);
        return k.isEmpty() ? "bad-empty-id" : k;
    }

    @Test
    void badModelsAreRejectedAndNoPredictionCarriesARejectedVersion() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            TopicNames topics = TopicNames.DEFAULTS;
            var meters = new SimpleMeterRegistry();
            try (var classifier = Classifier.start(settings(kafka, topics, "bad-models"), meters);
                    var producer = rawProducer(kafka)) {
                byte[] v5 = TestModels.snapshot(5);
                producer.send(new ProducerRecord<>(topics.modelSnapshots(), utf8(TestModels.MODEL), v5))
                        .get();
                await().atMost(Duration.ofMinutes(1))
                        .until(() -> classifier.models().servingVersion().equals(Optional.of(5L)));

                byte[] truncated = Arrays.copyOf(TestModels.snapshot(6), 1000);
                // signed by the key holder, but over a header whose digest is not the payload's
                ModelSnapshot sound = TestModels.modelSnapshot(7, TestModels.WELL_TRAINED);
                byte[] wrongChecksum = SnapshotCodec.encode(
                        new ModelSnapshot(
                                TestModels.withPayload(7, new byte[] {1, 2, 3}).header(), sound.payload()),
                        TestModels.KEY);
                byte[] tampered = TestModels.snapshot(11);
                tampered[tampered.length - 200] ^= 1;
                List<byte[]> badModels = List.of(
                        truncated,
                        wrongChecksum,
                        envelope(OnnxGraphs.withNanWeight(), 8),
                        envelope(OnnxGraphs.dense(32, 10, 0.01f), 9),
                        envelope(OnnxGraphs.dense(28, 5, 0.01f), 10),
                        tampered,
                        SnapshotCodec.encodeUnsigned(TestModels.modelSnapshot(12, TestModels.WELL_TRAINED)),
                        SnapshotCodec.encode(
                                TestModels.modelSnapshot(13, TestModels.WELL_TRAINED), SigningKey.generate()),
                        SnapshotCodec.encode(
                                TestModels.withPayload(14, HostileZips.carryingSerializedObject()), TestModels.KEY),
                        SnapshotCodec.encode(TestModels.modelSnapshot(15, TestModels.POORLY_TRAINED), TestModels.KEY),
                        TestModels.snapshot(4)); // older than the one served
                for (byte[] model : badModels) {
                    producer.send(new ProducerRecord<>(topics.modelSnapshots(), utf8(TestModels.MODEL), model))
                            .get();
                }
                for (int i = 0; i < 100; i++) {
                    ImageEvent good = TestModels.event(i);
                    producer.send(
                            new ProducerRecord<>(topics.digitsIn(), utf8(good.id()), ImageEventCodec.encode(good)));
                }
                producer.flush();

                await().atMost(Duration.ofMinutes(2))
                        .until(() -> meters.find("digitstream.model.snapshots.rejected").counters().stream()
                                        .mapToDouble(c -> c.count())
                                        .sum()
                                >= 11);
                List<Prediction> seen = new ArrayList<>();
                try (var predictions = new KafkaConsumer<>(
                        consumerProps(kafka),
                        new StringDeserializer(),
                        MessageSerdes.prediction().deserializer())) {
                    predictions.assign(partitions(predictions, topics.predictionsOut()));
                    predictions.seekToBeginning(predictions.assignment());
                    await().atMost(Duration.ofMinutes(2)).until(() -> {
                        predictions.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                        return seen.size() >= 100;
                    });
                }
                assertThat(classifier.models().servingVersion()).contains(5L);
                assertThat(seen).allMatch(p -> p.modelVersion() == 5L);
                assertThat(Tripwire.tripped())
                        .as("the serialized preprocessor was never deserialized")
                        .isFalse();
                List<String> codes = List.of(
                        "TRUNCATED_SNAPSHOT",
                        "CHECKSUM_MISMATCH",
                        "MODEL_WEIGHTS_INVALID",
                        "MODEL_SHAPE_MISMATCH",
                        "BAD_SIGNATURE",
                        "UNSIGNED_SNAPSHOT",
                        "UNKNOWN_SIGNING_KEY",
                        "MODEL_UNLOADABLE",
                        "ACCURACY_REGRESSION",
                        "STALE_VERSION");
                for (String code : codes) {
                    assertThat(classifier.metrics().count("digitstream.model.snapshots.rejected", "code", code))
                            .as(code)
                            .isPositive();
                }
                assertThat(classifier
                                .metrics()
                                .count("digitstream.model.snapshots.rejected", "code", "MODEL_SHAPE_MISMATCH"))
                        .isEqualTo(2);

                // every decision is an event on the decisions topic, with its reason and its figures
                List<ModelDecision> decisions = new ArrayList<>();
                try (var reader = new KafkaConsumer<>(
                        consumerProps(kafka),
                        new StringDeserializer(),
                        MessageSerdes.modelDecision().deserializer())) {
                    reader.assign(partitions(reader, topics.modelDecisions()));
                    reader.seekToBeginning(reader.assignment());
                    await().atMost(Duration.ofMinutes(1)).until(() -> {
                        reader.poll(Duration.ofMillis(100)).forEach(r -> decisions.add(r.value()));
                        return decisions.size() >= 12;
                    });
                }
                assertThat(decisions)
                        .filteredOn(ModelDecision::serving)
                        .singleElement()
                        .satisfies(d -> {
                            assertThat(d.version()).isEqualTo(5);
                            assertThat(d.signerKeyId()).isEqualTo(TestModels.KEY.keyId());
                            assertThat(d.holdoutAccuracy()).isGreaterThan(PromotionGate.DEFAULT_FLOOR);
                        });
                assertThat(decisions)
                        .filteredOn(d -> !d.serving())
                        .extracting(ModelDecision::code)
                        .containsAll(codes);
                assertThat(decisions)
                        .filteredOn(d -> "ACCURACY_REGRESSION".equals(d.code()))
                        .singleElement()
                        .satisfies(d -> {
                            assertThat(d.version()).isEqualTo(15);
                            assertThat(d.servedVersion()).isEqualTo(5);
                            assertThat(d.holdoutAccuracy()).isLessThan(d.servedHoldoutAccuracy());
                        });
                assertThat(decisions).allSatisfy(d -> assertThat(d.instanceId()).isNotBlank());
            }
        }
    }

    private static byte[] envelope(byte[] graph, long version) {
        return SnapshotCodec.encode(TestModels.withPayload(version, graph), TestModels.KEY);
    }

    @Test
    void aClassifierStartedBeforeItsBrokerWaitsThenServesAndABrokerRestartLosesNothing() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.onFreePort();
        TopicNames topics = TopicNames.DEFAULTS;
        ClassifierSettings settings = settings(kafka, topics, "broker-down");
        var starting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Classifier.start(settings, new SimpleMeterRegistry()));
        // with no broker it keeps waiting (within its start-up timeout) rather than failing
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> !starting.isDone());
        kafka.start();
        try (kafka;
                var classifier = starting.get(2, java.util.concurrent.TimeUnit.MINUTES)) {
            Set<String> predicted = new HashSet<>();
            try (var producer = rawProducer(kafka)) {
                producer.send(new ProducerRecord<>(
                                topics.modelSnapshots(), utf8(TestModels.MODEL), TestModels.snapshot(1)))
                        .get();
                send(producer, topics, 0, 200);
            }
            try (var predictions = reader(kafka, topics.predictionsOut())) {
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    predictions
                            .poll(Duration.ofMillis(100))
                            .forEach(r -> predicted.add(new String(r.key(), StandardCharsets.UTF_8)));
                    return predicted.size() >= 100;
                });
            }
            kafka.stop();
            kafka.start();
            try (var producer = rawProducer(kafka)) {
                send(producer, topics, 200, 400);
            }
            try (var predictions = reader(kafka, topics.predictionsOut())) {
                await().atMost(Duration.ofMinutes(3)).until(() -> {
                    predictions
                            .poll(Duration.ofMillis(100))
                            .forEach(r -> predicted.add(new String(r.key(), StandardCharsets.UTF_8)));
                    return predicted.size() == 400;
                });
            }
            assertThat(predicted).hasSize(400);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, TopicNames topics, int from, int to) {
        for (int i = from; i < to; i++) {
            ImageEvent event = TestModels.event(i % 1000);
            var renamed = new ImageEvent("img-" + i, event.image(), event.label(), event.sentAt());
            producer.send(new ProducerRecord<>(topics.digitsIn(), utf8(renamed.id()), ImageEventCodec.encode(renamed)));
        }
        producer.flush();
    }

    private static Map<String, Object> consumerProps(EmbeddedKafka kafka) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                TopicSpecs.MAX_IMAGE_RECORD_BYTES);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    private static KafkaConsumer<byte[], byte[]> reader(EmbeddedKafka kafka, String topic) {
        var consumer =
                new KafkaConsumer<>(consumerProps(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(partitions(consumer, topic));
        consumer.seekToBeginning(consumer.assignment());
        return consumer;
    }
}
