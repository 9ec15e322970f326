package io.digitstream.model.snapshot;

import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** A Deeplearning4j network to and from the payload of a snapshot envelope. */
public final class Dl4jSnapshots {
    private Dl4jSnapshots() {}

    /** Packs the network without its updater state (about 190 KB for the reference CNN instead of 560 KB). */
    public static ModelSnapshot snapshot(
            MultiLayerNetwork network, String modelName, long version, TrainingFacts facts) {
        byte[] payload = serialize(network);
        var header = new SnapshotHeader(
                modelName,
                version,
                System.currentTimeMillis(),
                SnapshotHeader.DL4J_MODEL_ZIP,
                SnapshotCodec.sha256Hex(payload),
                List.of(1, Mnist.SIDE, Mnist.SIDE),
                Mnist.CLASSES,
                facts);
        return new ModelSnapshot(header, payload);
    }

    public static byte[] serialize(MultiLayerNetwork network) {
        var out = new ByteArrayOutputStream(256 * 1024);
        try {
            ModelSerializer.writeModel(network, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The network a payload holds, or why not. Deeplearning4j only sees the payload once {@link
     * ModelZip} has reduced it to the two entries a network needs: it would deserialize any other.
     */
    public static Decoded<MultiLayerNetwork> restore(byte[] payload) {
        return ModelZip.allowedEntriesOf(payload).flatMap(zip -> {
            try {
                return Decoded.valid(Dl4jRuntime.withFasterLayers(
                        ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false)));
            } catch (IOException | RuntimeException | LinkageError e) {
                return Decoded.invalid(
                        ErrorCode.MODEL_UNLOADABLE, "the payload does not load as a Deeplearning4j model: " + e);
            }
        });
    }
}
