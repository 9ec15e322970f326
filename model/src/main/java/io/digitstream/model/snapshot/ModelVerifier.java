package io.digitstream.model.snapshot;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.onnx.OnnxEngine;
import io.digitstream.model.onnx.OnnxExport;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a decoded (and, where required, signature-checked) snapshot may serve: declared
 * shapes, a payload holding only what a model needs ({@link ModelZip}), that it loads, finite
 * weights, and finite probabilities summing to one on a canary batch of real digits; then it scores
 * the model on the holdout set, for the promotion gate to judge. Only a model that passes all of
 * them is handed out; anything else is a typed reason and the caller keeps serving what it has.
 */
public final class ModelVerifier {
    static final int CANARY_SIZE = 16;
    private static final int HOLDOUT_BATCH = 250;
    private static final double SUM_TOLERANCE = 1e-3;
    /** How far the fast engine's probabilities may stray from the reference's. */
    public static final double PARITY_TOLERANCE = 1e-4;

    private static final Logger log = LoggerFactory.getLogger(ModelVerifier.class);

    private final byte[] canary;
    private final EngineKind engine;
    private final OnnxSettings onnx;
    private final Holdout holdout;

    /** Verifies with the reference engine only, scoring on the default holdout. */
    public ModelVerifier() {
        this(EngineKind.DL4J, OnnxSettings.singleThreaded(), Holdout.fixture(Holdout.DEFAULT_SIZE));
    }

    /**
     * @param engine  the engine to serve verified models with; a fast engine that fails its parity
     *                check against the reference falls back to the reference
     * @param onnx    how the fast engine runs
     * @param holdout the labelled images every model is scored on before it may serve
     */
    public ModelVerifier(EngineKind engine, OnnxSettings onnx, Holdout holdout) {
        MnistDataset test = MnistFixture.test();
        this.canary = java.util.Arrays.copyOf(test.rawPixels(), CANARY_SIZE * Mnist.PIXELS);
        this.engine = engine;
        this.onnx = onnx;
        this.holdout = holdout;
    }

    public Holdout holdout() {
        return holdout;
    }

    public Decoded<LoadedModel> verify(ModelSnapshot snapshot) {
        SnapshotHeader header = snapshot.header();
        if (!SnapshotHeader.DL4J_MODEL_ZIP.equals(header.payloadFormat())) {
            return Decoded.invalid(
                    ErrorCode.BAD_HEADER,
                    "payload format '" + header.payloadFormat() + "' is not " + SnapshotHeader.DL4J_MODEL_ZIP);
        }
        if (!header.inputShape().equals(List.of(1, Mnist.SIDE, Mnist.SIDE)) || header.outputSize() != Mnist.CLASSES) {
            return Decoded.invalid(
                    ErrorCode.MODEL_SHAPE_MISMATCH,
                    "the header declares input " + header.inputShape() + " and " + header.outputSize()
                            + " outputs; this pipeline needs [1, 28, 28] and 10");
        }
        Decoded<MultiLayerNetwork> restored = Dl4jSnapshots.restore(snapshot.payload());
        if (restored instanceof Decoded.Invalid<MultiLayerNetwork> invalid) {
            return invalid.retype();
        }
        MultiLayerNetwork network = restored.orElseThrow();
        // measured: on 2 cores the 16-image DL4J canary is faster on one OpenMP thread, and the other
        // core stays with the stream thread; OpenMP's thread count is per calling thread
        int openMpThreads = Dl4jRuntime.openMpThreadsOfThisThread(1);
        try {
            return verifyLoaded(network, header)
                    .map(served -> new LoadedModel(
                            header,
                            served,
                            Evaluation.of(served, holdout.data(), HOLDOUT_BATCH),
                            snapshot.signerKeyId()));
        } finally {
            Dl4jRuntime.openMpThreadsOfThisThread(openMpThreads);
        }
    }

    /** The engine to serve the network with, once its weights and its answers on the canary batch are sound. */
    private Decoded<InferenceEngine> verifyLoaded(MultiLayerNetwork network, SnapshotHeader header) {
        // ReLU and max-pooling can hide a NaN weight from the canary, so look at every weight
        float[] weights = network.params().data().asFloat();
        for (int i = 0; i < weights.length; i++) {
            if (!Float.isFinite(weights[i])) {
                Dl4jEngine.release(network);
                return Decoded.invalid(
                        ErrorCode.MODEL_WEIGHTS_INVALID,
                        "parameter " + i + " of " + weights.length + " is " + weights[i]);
            }
        }
        InferenceEngine reference = new Dl4jEngine(network);
        Decoded<float[]> canaryResult = runCanary(reference);
        if (canaryResult instanceof Decoded.Invalid<float[]> invalid) {
            reference.close();
            return invalid.retype();
        }
        if (engine == EngineKind.ONNX) {
            InferenceEngine fast = fastEngine(network, canaryResult.orElseThrow(), header);
            if (fast != null) {
                reference.close();
                return Decoded.valid(fast);
            }
        }
        return Decoded.valid(reference);
    }

    /** The ONNX engine for this network if it matches the reference on the canary batch, else null. */
    private InferenceEngine fastEngine(MultiLayerNetwork network, float[] expected, SnapshotHeader header) {
        String label = header.modelName() + " v" + header.version();
        OnnxEngine fast = null;
        try {
            byte[] graph = OnnxExport.export(network);
            fast = new OnnxEngine(graph, onnx);
            float[] actual = fast.predict(canary, CANARY_SIZE);
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            }
            boolean sameDigits = true;
            for (int image = 0; image < CANARY_SIZE; image++) {
                sameDigits &= MnistTranslator.digit(expected, image) == MnistTranslator.digit(actual, image);
            }
            if (worst <= PARITY_TOLERANCE && sameDigits) {
                log.info(
                        "{}: ONNX graph derived from the snapshot (sha256 {}), parity with DL4J on {} canary images:"
                                + " max |difference| {}",
                        label,
                        SnapshotCodec.sha256Hex(graph),
                        CANARY_SIZE,
                        String.format("%.2e", worst));
                return fast;
            }
            log.warn(
                    "{}: the ONNX engine differs from DL4J by up to {} on the canary batch (same digits: {});"
                            + " falling back to the DL4J engine",
                    label,
                    worst,
                    sameDigits);
        } catch (RuntimeException | LinkageError e) {
            log.warn("{}: no ONNX engine ({}); falling back to the DL4J engine", label, e.getMessage());
        }
        if (fast != null) {
            fast.close();
        }
        return null;
    }

    private Decoded<float[]> runCanary(InferenceEngine engine) {
        float[] probabilities;
        try {
            probabilities = engine.predict(canary, CANARY_SIZE);
        } catch (RuntimeException e) {
            return Decoded.invalid(
                    ErrorCode.MODEL_SHAPE_MISMATCH, "the model fails on 28x28 images: " + e.getMessage());
        }
        if (probabilities.length != CANARY_SIZE * Mnist.CLASSES) {
            return Decoded.invalid(
                    ErrorCode.MODEL_SHAPE_MISMATCH,
                    "the model gives " + probabilities.length / CANARY_SIZE + " outputs per image; 10 are needed");
        }
        for (int image = 0; image < CANARY_SIZE; image++) {
            double sum = 0;
            for (int c = 0; c < Mnist.CLASSES; c++) {
                float p = probabilities[image * Mnist.CLASSES + c];
                if (!Float.isFinite(p) || p < 0 || p > 1) {
                    return Decoded.invalid(
                            ErrorCode.MODEL_OUTPUT_INVALID,
                            "canary image " + image + " gets probability " + p + " for digit " + c);
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                return Decoded.invalid(
                        ErrorCode.MODEL_OUTPUT_INVALID,
                        "canary image " + image + " gets probabilities summing to " + sum);
            }
        }
        return Decoded.valid(probabilities);
    }
}
