package io.digitstream.classifier.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.TestModels;
import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.cluster.StreamsDefaults;
import io.digitstream.model.admission.Admission;
import io.digitstream.model.admission.HighWaterMark;
import io.digitstream.model.admission.PromotionGate;
import io.digitstream.model.onnx.OnnxGraphs;
import io.digitstream.model.onnx.OnnxInt8Models;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.HostileZips;
import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.model.snapshot.Tripwire;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may change the model: every way a snapshot reaches the classifier, and what it decides. The
 * served model only changes for a snapshot signed by a trusted key, over exactly its bytes, newer
 * than what serves, holding nothing but a model, and at least about as accurate on the holdout;
 * every decision is an event with its reason.
 */
class ModelAdmissionTest {
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;

    private TopologyTestDriver driver;
    private ModelRegistry registry;
    private TestInputTopic<String, byte[]> snapshots;
    private final List<ModelDecision> decisions = new ArrayList<>();

    /** Outlives an instance, as the classifier application's high-water-mark topic does. */
    private final HighWaterMark mark = HighWaterMark.inMemory();

    @BeforeEach
    void start() {
        start(TestModels.admission(mark));
    }

    private void start(Admission admission) {
        registry = new ModelRegistry();
        var metrics = new ClassifierMetrics(new SimpleMeterRegistry(), "dl4j");
        var topology = ClassifierTopology.build(
                TOPICS,
                BatchSettings.DEFAULTS,
                ClassifierSettings.DEFAULT_UNCERTAIN_BELOW,
                registry,
                admission,
                TestModels.decisions(decisions::add),
                metrics,
                WarmUp.NONE);
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "admission-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // as the classifier runs: its global thread's processing exceptions handled too
        StreamsDefaults.handleGlobalProcessingExceptions(props);
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(10_000));
        snapshots = driver.createInputTopic(TOPICS.modelSnapshots(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void close() {
        driver.close();
        registry.close();
    }

    private ModelDecision publish(byte[] envelope) {
        int before = decisions.size();
        snapshots.pipeInput(TestModels.MODEL, envelope);
        assertThat(decisions).as("one decision per snapshot").hasSize(before + 1);
        return decisions.get(before);
    }

    private static byte[] signed(ModelSnapshot snapshot) {
        return SnapshotCodec.encode(snapshot, TestModels.KEY);
    }

    private static ModelSnapshot trained(long version) {
        return TestModels.modelSnapshot(version, TestModels.WELL_TRAINED);
    }

    private void assertRejected(ModelDecision decision, ErrorCode code, long stillServing) {
        assertThat(decision.outcome()).isEqualTo(ModelDecision.REJECTED);
        assertThat(decision.code()).isEqualTo(code.name());
        assertThat(decision.reason()).isNotBlank();
        assertThat(decision.engine()).isNull();
        assertThat(registry.servingVersion()).contains(stillServing);
    }

    @Test
    void aSnapshotSignedByTheTrainersKeyServesAndSaysWhoSignedIt() {
        ModelDecision decision = publish(TestModels.snapshot(1));

        assertThat(decision.serving()).isTrue();
        assertThat(decision.signerKeyId()).isEqualTo(TestModels.KEY.keyId());
        assertThat(decision.holdoutAccuracy()).isBetween(PromotionGate.DEFAULT_FLOOR, 1.0);
        assertThat(decision.holdoutExamples()).isEqualTo(TestModels.HOLDOUT.size());
        assertThat(decision.instanceId()).isEqualTo("test-instance");
        assertThat(decision.engine()).isEqualTo("onnx");
        assertThat(decision.engineNote()).isNull();
        assertThat(registry.servingVersion()).contains(1L);
    }

    @Test
    void anInt8InstanceServesTheDerivedGraphAndItsDecisionSaysSo() {
        close();
        start(new Admission(
                TestModels.MODEL,
                TestModels.TRUST,
                new ModelVerifier(new OnnxInt8Models(OnnxSettings.singleThreaded()), TestModels.HOLDOUT),
                PromotionGate.DEFAULT,
                mark));

        ModelDecision decision = publish(TestModels.snapshot(1));

        assertThat(decision.serving()).isTrue();
        assertThat(decision.engine()).isEqualTo("onnx-int8");
        assertThat(decision.engineNote()).startsWith("int8: 1 convolution(s) in int8");
    }

    @Test
    void unsignedUnknownKeyAndAlteredBytesAreRefusedAndTheServedModelStays() {
        publish(TestModels.snapshot(1));

        assertRejected(publish(SnapshotCodec.encodeUnsigned(trained(2))), ErrorCode.UNSIGNED_SNAPSHOT, 1);
        ModelDecision stranger = publish(SnapshotCodec.encode(trained(3), SigningKey.generate()));
        assertRejected(stranger, ErrorCode.UNKNOWN_SIGNING_KEY, 1);
        assertThat(stranger.signerKeyId()).isNotEqualTo(TestModels.KEY.keyId());

        byte[] payloadChanged = TestModels.snapshot(4);
        payloadChanged[payloadChanged.length - 300] ^= 1;
        assertRejected(publish(payloadChanged), ErrorCode.BAD_SIGNATURE, 1);

        // a version raised in the header after signing, so it would outrank what serves
        String text = new String(TestModels.snapshot(5), StandardCharsets.ISO_8859_1);
        byte[] versionRaised = text.replace("\"version\":5", "\"version\":9").getBytes(StandardCharsets.ISO_8859_1);
        ModelDecision raised = publish(versionRaised);
        assertRejected(raised, ErrorCode.BAD_SIGNATURE, 1);
        assertThat(raised.version())
                .as("nothing of an envelope whose signature fails is read, not even the version it claims")
                .isZero();
    }

    @Test
    void anotherModelsSnapshotWrittenUnderThisModelsKeyIsRefused() {
        publish(TestModels.snapshot(1));
        // signed by the trusted key, but for another model: the header says so, the record key does not
        var foreign = TestModels.withPayload("other-model", 50, TestModels.trainedPayload(TestModels.WELL_TRAINED));

        ModelDecision decision = publish(signed(foreign));

        assertRejected(decision, ErrorCode.FOREIGN_MODEL, 1);
        assertThat(decision.reason()).contains("other-model");
    }

    @Test
    void anOlderVersionReplayedIsStaleAndATombstoneNeverUnloadsTheServedModel() {
        byte[] v1 = TestModels.snapshot(1);
        publish(v1);
        publish(TestModels.snapshot(2));

        assertRejected(publish(v1), ErrorCode.STALE_VERSION, 2);

        snapshots.pipeInput(TestModels.MODEL, (byte[]) null);
        assertThat(registry.servingVersion()).contains(2L);
    }

    @Test
    void anOldSnapshotReSentAfterCompactionNeverServesARestartedInstance() {
        byte[] v1 = TestModels.snapshot(1);
        byte[] v2 = TestModels.snapshot(2);
        publish(v1);
        publish(v2);

        // compaction keeps the latest record under the key: the re-sent v1; a restarted instance reads only that
        restart();
        assertThat(publish(v1).code()).isEqualTo(ErrorCode.STALE_VERSION.name());
        assertThat(registry.servingVersion()).isEmpty();

        // the admitted version itself, read again at a restart, serves
        assertThat(publish(v2).serving()).isTrue();
        // but not another payload signed under the same version
        restart();
        ModelDecision sameVersion = publish(signed(TestModels.modelSnapshot(2, TestModels.POORLY_TRAINED)));
        assertThat(sameVersion.code()).isEqualTo(ErrorCode.STALE_VERSION.name());
        assertThat(sameVersion.reason()).contains("another payload");
    }

    private void restart() {
        close();
        decisions.clear();
        start();
    }

    @Test
    void junkOnTheSnapshotsTopicIsRefusedWithoutBeingKept() {
        publish(TestModels.snapshot(1));
        var store = driver.<String, byte[]>getKeyValueStore(ClassifierTopology.SNAPSHOT_STORE);

        // the size bound comes before the signature: nothing of it is parsed
        ModelDecision huge = publish(new byte[TopicSpecs.MAX_SNAPSHOT_BYTES + 1]);
        assertRejected(huge, ErrorCode.SNAPSHOT_TOO_LARGE, 1);
        assertRejected(publish(SnapshotCodec.encodeUnsigned(trained(2))), ErrorCode.UNSIGNED_SNAPSHOT, 1);
        for (int i = 0; i < 50; i++) {
            snapshots.pipeInput("junk-" + i, new byte[1024]); // keys of no model: not this instance's business
        }

        assertThat(decisions)
                .as("junk under other keys is decided too")
                .filteredOn(d -> ErrorCode.BAD_MAGIC.name().equals(d.code()))
                .hasSize(50);
        snapshots.pipeInput("k".repeat(1 << 20), new byte[10]);
        assertThat(decisions.get(decisions.size() - 1).modelName())
                .as("a megabyte-long key, named in its decision")
                .hasSizeLessThan(300);

        assertThat(store.approximateNumEntries())
                .as("the store keeps the admitted envelope only")
                .isEqualTo(1);
        assertThat(store.get(TestModels.MODEL)).isNotNull();
    }

    @Test
    void aSignedZipCarryingASerializedObjectIsRefusedAndTheObjectNeverDeserialized() {
        publish(TestModels.snapshot(1));
        byte[] hostile = HostileZips.carryingSerializedObject();

        ModelDecision decision = publish(signed(TestModels.withPayload(2, hostile)));

        assertRejected(decision, ErrorCode.MODEL_UNLOADABLE, 1);
        assertThat(decision.signerKeyId()).isEqualTo(TestModels.KEY.keyId());
        assertThat(Tripwire.tripped()).isFalse();
    }

    @Test
    void aBetterModelIsPromotedAWorseOneRejectedAndASignedRollbackOverridesTheGate() {
        ModelDecision weak = publish(signed(TestModels.modelSnapshot(1, TestModels.POORLY_TRAINED)));
        assertThat(weak.serving()).isTrue();

        ModelDecision better = publish(signed(trained(2)));
        assertThat(better.serving()).isTrue();
        assertThat(better.holdoutAccuracy()).isGreaterThan(weak.holdoutAccuracy());
        assertThat(better.servedVersion()).isEqualTo(1);

        ModelDecision worse = publish(signed(TestModels.modelSnapshot(3, TestModels.POORLY_TRAINED)));
        assertRejected(worse, ErrorCode.ACCURACY_REGRESSION, 2);
        assertThat(worse.holdoutAccuracy()).isEqualTo(weak.holdoutAccuracy());
        assertThat(worse.servedHoldoutAccuracy()).isEqualTo(better.holdoutAccuracy());

        // the key holder rolls back to v1's weights on purpose: republished as v4, marked in the signed header
        SnapshotHeader v1 =
                TestModels.modelSnapshot(1, TestModels.POORLY_TRAINED).header();
        var rollback = new ModelSnapshot(
                v1.republished(4, System.currentTimeMillis(), true),
                TestModels.trainedPayload(TestModels.POORLY_TRAINED));
        ModelDecision rolledBack = publish(signed(rollback));
        assertThat(rolledBack.serving()).isTrue();
        assertThat(rolledBack.rollbackOf()).isEqualTo(1);
        assertThat(registry.servingVersion()).contains(4L);

        // the mark is covered by the signature: nobody without the key can add it to a signed snapshot
        ModelSnapshot weakV5 = TestModels.modelSnapshot(5, TestModels.POORLY_TRAINED);
        byte[] genuine = signed(weakV5);
        byte[] marked = SnapshotCodec.encodeUnsigned(
                new ModelSnapshot(weakV5.header().republished(5, weakV5.header().createdAt(), true), weakV5.payload()));
        assertRejected(publish(withSignatureBlockOf(genuine, marked)), ErrorCode.BAD_SIGNATURE, 4);
    }

    /** {@code unsigned} with the signature block {@code signed} ends with: a forger's copy of a real signature. */
    private static byte[] withSignatureBlockOf(byte[] signed, byte[] unsigned) {
        int block = 2 + TestModels.KEY.keyId().length() + 2 + 64; // key id and Ed25519 signature, each length-prefixed
        byte[] forged = java.util.Arrays.copyOf(unsigned, unsigned.length - 4 + block);
        System.arraycopy(signed, signed.length - block, forged, unsigned.length - 4, block);
        return forged;
    }

    @Test
    void aModelBelowTheFloorNeverServesEvenFirst() {
        var random = TestModels.withPayload(
                1, OnnxGraphs.dense(28, 10, 0.01f)); // the same answer for every image: about 10 %

        ModelDecision decision = publish(signed(random));

        assertThat(decision.code()).isEqualTo(ErrorCode.ACCURACY_BELOW_FLOOR.name());
        assertThat(decision.holdoutAccuracy()).isLessThan(PromotionGate.DEFAULT_FLOOR);
        assertThat(registry.servingVersion()).isEmpty();
    }

    @Test
    void aSignedRollbackStillMeetsTheFloor() {
        publish(TestModels.snapshot(1));
        var random = TestModels.withPayload(
                1, OnnxGraphs.dense(28, 10, 0.01f)); // the same answer for every image: about 10 %
        var rollback =
                new ModelSnapshot(random.header().republished(2, System.currentTimeMillis(), true), random.payload());

        assertRejected(publish(signed(rollback)), ErrorCode.ACCURACY_BELOW_FLOOR, 1);
    }
}
