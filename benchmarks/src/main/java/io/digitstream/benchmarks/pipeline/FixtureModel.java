package io.digitstream.benchmarks.pipeline;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.TrainingFacts;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingListener;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The pipeline benchmarks' model: the seed recipe for one epoch on the committed fixture, good
 * enough to pass the promotion gate (an untrained one would not), quick to train, no download.
 */
final class FixtureModel {
    private static final int TRAINING_IMAGES = MnistFixture.train().size();

    private FixtureModel() {}

    static MultiLayerNetwork train() {
        return new Trainer(Recipe.SEED.withEpochs(1), 0).train(MnistFixture.train(), new TrainingListener() {});
    }

    /** {@code network} as version {@code version} of the default model, signed by {@code key}. */
    static byte[] signedSnapshot(MultiLayerNetwork network, long version, SigningKey key) {
        return SnapshotCodec.encode(snapshot(network, version), key);
    }

    /** {@code network} as version {@code version} of the default model, before it is signed. */
    static ModelSnapshot snapshot(MultiLayerNetwork network, long version) {
        return Dl4jSnapshots.snapshot(
                network,
                SnapshotHeader.DEFAULT_MODEL_NAME,
                version,
                new TrainingFacts("bench", 1, TRAINING_IMAGES, null, null));
    }
}
