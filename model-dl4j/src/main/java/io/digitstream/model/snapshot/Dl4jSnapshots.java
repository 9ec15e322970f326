package io.digitstream.model.snapshot;

import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.onnx.OnnxEngine;
import io.digitstream.model.onnx.OnnxExport;
import io.digitstream.model.onnx.OnnxGraph;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelOutput;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained Deeplearning4j network as a snapshot: its ONNX graph ({@link OnnxExport}), checked
 * against Deeplearning4j's own outputs before anyone signs it; and the network as a Deeplearning4j
 * zip, the trainer's checkpoint, which never goes on the topic.
 */
public final class Dl4jSnapshots {
    /** How far ONNX Runtime's probabilities may stray from Deeplearning4j's on the canary batch. */
    public static final double PARITY_TOLERANCE = 1e-4;

    private static final Logger log = LoggerFactory.getLogger(Dl4jSnapshots.class);

    private Dl4jSnapshots() {}

    /**
     * The network's snapshot, its payload the ONNX graph.
     *
     * @throws IllegalStateException when the graph's answers on the canary batch differ from the
     *     network's by more than {@link #PARITY_TOLERANCE}, or name another digit: nothing is signed then
     */
    public static ModelSnapshot snapshot(
            MultiLayerNetwork network, String modelName, long version, TrainingFacts facts) {
        byte[] graph = OnnxExport.export(network);
        double difference = parityDifference(network, graph);
        log.debug("{} v{}: ONNX graph within {} of Deeplearning4j on the canary batch", modelName, version, difference);
        return ModelSnapshot.ofGraph(modelName, version, graph, facts, null);
    }

    /**
     * The largest difference between the network's and the graph's probabilities on the canary
     * batch, at most {@link #PARITY_TOLERANCE} with the same digit for every image.
     *
     * @throws IllegalStateException otherwise
     */
    public static double parityDifference(MultiLayerNetwork network, byte[] graph) {
        byte[] canary = ModelVerifier.canaryImages();
        int count = canary.length / Mnist.PIXELS;
        float[] expected = new Dl4jEngine(network).predict(canary, count);
        OnnxGraph admitted = OnnxGraph.admit(graph).orElseThrow();
        float[] actual;
        try (var onnx = new OnnxEngine(admitted, graph, OnnxSettings.singleThreaded(), ModelOutput.PROBABILITIES)) {
            actual = onnx.predict(canary, count);
        }
        double worst = 0;
        boolean sameDigits = true;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        for (int image = 0; image < count; image++) {
            sameDigits &= MnistTranslator.digit(expected, image) == MnistTranslator.digit(actual, image);
        }
        if (worst > PARITY_TOLERANCE || !sameDigits) {
            throw new IllegalStateException(String.format(
                    "the ONNX graph differs from Deeplearning4j by up to %.2e on %d canary images (same digits: %s);"
                            + " not publishing it",
                    worst, count, sameDigits));
        }
        return worst;
    }

    /** The network as a Deeplearning4j zip without its updater state: the trainer's checkpoint. */
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
     * The network a checkpoint zip holds, or why not. Deeplearning4j only sees the payload once {@link
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
