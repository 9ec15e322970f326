package io.digitstream.classifier;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.TrainingFacts;
import org.nd4j.linalg.learning.config.Adam;

/** Snapshots and events for tests: untrained reference networks are valid models for pipeline tests. */
public final class TestModels {
    public static final String MODEL = SnapshotHeader.DEFAULT_MODEL_NAME;

    private TestModels() {}

    /** An envelope holding a freshly initialised reference CNN (weights seeded by the version). */
    public static byte[] snapshot(long version) {
        var network = ReferenceCnn.create(version, new Adam(1e-3));
        return SnapshotCodec.encode(
                Dl4jSnapshots.snapshot(network, MODEL, version, new TrainingFacts("test", 0, 0, null, null)));
    }

    /** Fixture test image {@code i} as an event with its label. */
    public static ImageEvent event(int i) {
        var test = MnistFixture.test();
        return new ImageEvent("img-" + i, new Image.Pixels(test.image(i)), test.label(i), 1_000L + i);
    }
}
