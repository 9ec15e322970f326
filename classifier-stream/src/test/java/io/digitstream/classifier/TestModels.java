package io.digitstream.classifier;

import io.digitstream.classifier.model.Decisions;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.admission.Admission;
import io.digitstream.model.admission.HighWaterMark;
import io.digitstream.model.admission.PromotionGate;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.ModelOutput;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrainingFacts;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.testing.KafkaTestSupport;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingListener;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Snapshots, keys and events for tests. Models are the reference CNN trained briefly on the
 * fixture (once per JVM), so they pass the promotion gate's floor as a served model must; every
 * snapshot is signed by {@link #KEY}, which {@link #TRUST} trusts.
 */
public final class TestModels {
    public static final String MODEL = SnapshotHeader.DEFAULT_MODEL_NAME;
    /** The trainer's key in tests. */
    public static final SigningKey KEY = SigningKey.generate();

    public static final SnapshotTrust TRUST = SnapshotTrust.requireSigned(TrustedKeys.of(KEY.publicKey()));
    /** A small holdout keeps verification quick in tests; the gate compares on it all the same. */
    public static final Holdout HOLDOUT = Holdout.fixture(300);

    /** Training batches of 100 fixture images: enough for about 85 % (served models), or for about 60 % (a worse one). */
    public static final int WELL_TRAINED = 40;

    public static final int POORLY_TRAINED = 6;

    /** Enough to run the warm-up's round trip through the cluster, in a second rather than ten. */
    public static final int WARM_UP_IMAGES = 200;

    private static final Map<Integer, byte[]> PAYLOADS = new HashMap<>();

    private TestModels() {}

    /** A signed envelope of the well-trained network as this version. */
    public static byte[] snapshot(long version) {
        return SnapshotCodec.encode(modelSnapshot(version, WELL_TRAINED), KEY);
    }

    /** Publishes {@link #snapshot} of this version and waits for the broker's acknowledgement. */
    public static void publish(EmbeddedKafka kafka, TopicNames topics, long version) throws Exception {
        publish(kafka.bootstrapServers(), topics, version);
    }

    public static void publish(String bootstrapServers, TopicNames topics, long version) throws Exception {
        KafkaTestSupport.send(bootstrapServers, topics.modelSnapshots(), MODEL, snapshot(version));
    }

    /** The snapshot (not yet encoded) of the network trained for {@code batches} batches, as this version. */
    public static ModelSnapshot modelSnapshot(long version, int batches) {
        return withPayload(version, trainedPayload(batches));
    }

    /** A snapshot of this version around any payload (its header's digest matches it). */
    public static ModelSnapshot withPayload(long version, byte[] payload) {
        return withPayload(MODEL, version, payload);
    }

    /** A snapshot of another model's name, this version, around any payload. */
    public static ModelSnapshot withPayload(String modelName, long version, byte[] payload) {
        return ModelSnapshot.ofGraph(
                modelName, version, payload, new TrainingFacts("test", 0, 0, null, null), ModelOutput.PROBABILITIES);
    }

    /** The ONNX graph of the reference CNN trained for {@code batches} batches of the fixture (seeded; once per JVM). */
    public static synchronized byte[] trainedPayload(int batches) {
        return PAYLOADS.computeIfAbsent(
                batches,
                n -> Dl4jSnapshots.snapshot(train(n), MODEL, 1, new TrainingFacts("test", 0, 0, null, null))
                        .payload());
    }

    private static MultiLayerNetwork train(int batches) {
        MnistDataset images = MnistFixture.train().slice(0, batches * Recipe.SEED.batchSize());
        return new Trainer(Recipe.SEED.withEpochs(1), 0).train(images, new TrainingListener() {});
    }

    /** Classifier settings for tests: this cluster, {@link #TRUST}, the small holdout. */
    public static ClassifierSettings.Builder settings(KafkaConnection cluster) {
        return ClassifierSettings.builder(cluster, TRUST).optHoldout(HOLDOUT).optWarmUpImages(WARM_UP_IMAGES);
    }

    /** Admission as a classifier instance runs it, with its high-water mark kept in {@code mark}. */
    public static Admission admission(HighWaterMark mark) {
        return new Admission(MODEL, TRUST, OnnxModels.singleThreadedVerifier(HOLDOUT), PromotionGate.DEFAULT, mark);
    }

    /** This test instance's decisions, going to {@code sink}. */
    public static Decisions decisions(Consumer<ModelDecision> sink) {
        return new Decisions("test-instance", sink);
    }

    /** Fixture test image {@code i} as an event with its label. */
    public static ImageEvent event(int i) {
        var test = MnistFixture.test();
        return new ImageEvent("img-" + i, new Image.Pixels(test.image(i)), test.label(i), 1_000L + i);
    }
}
