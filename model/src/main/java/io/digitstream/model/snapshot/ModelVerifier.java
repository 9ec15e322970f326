package io.digitstream.model.snapshot;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.ModelLoader;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import java.util.Arrays;
import java.util.List;

/**
 * Decides whether a decoded (and, where required, signature-checked) snapshot may serve: declared
 * shapes, a payload its engine's loader admits ({@link ModelLoader}: for ONNX, the graph's operators,
 * shapes, sizes and order), and finite probabilities summing to one on a canary batch of real
 * digits; then it scores the model on the holdout set, for the promotion gate to judge. Only a model
 * that passes all of them is handed out; anything else is a typed reason and the caller keeps
 * serving what it has. It knows no engine: the loader it is given does.
 */
public final class ModelVerifier {
    static final int CANARY_SIZE = 16;
    private static final int HOLDOUT_BATCH = 250;
    private static final double SUM_TOLERANCE = 1e-3;

    private final byte[] canary;
    private final ModelLoader loader;
    private final Holdout holdout;

    /**
     * @param loader  builds the engine a verified model serves with
     * @param holdout the labelled images every model is scored on before it may serve
     */
    public ModelVerifier(ModelLoader loader, Holdout holdout) {
        this.canary = canaryImages();
        this.loader = loader;
        this.holdout = holdout;
    }

    /** The first {@value #CANARY_SIZE} test images, which every new model must read sensibly. */
    public static byte[] canaryImages() {
        return Arrays.copyOf(MnistFixture.test().rawPixels(), CANARY_SIZE * Mnist.PIXELS);
    }

    public Holdout holdout() {
        return holdout;
    }

    public Decoded<LoadedModel> verify(ModelSnapshot snapshot) {
        SnapshotHeader header = snapshot.header();
        if (!header.inputShape().equals(List.of(1, Mnist.SIDE, Mnist.SIDE)) || header.outputSize() != Mnist.CLASSES) {
            return Decoded.invalid(
                    ErrorCode.MODEL_SHAPE_MISMATCH,
                    "the header declares input " + header.inputShape() + " and " + header.outputSize()
                            + " outputs; this pipeline needs [1, 28, 28] and 10");
        }
        Decoded<InferenceEngine> loaded = loader.load(header, snapshot.payload());
        if (loaded instanceof Decoded.Invalid<InferenceEngine> invalid) {
            return invalid.retype();
        }
        InferenceEngine engine = loaded.orElseThrow();
        Decoded<float[]> canaryResult = runCanary(engine);
        if (canaryResult instanceof Decoded.Invalid<float[]> invalid) {
            engine.close();
            return invalid.retype();
        }
        return Decoded.valid(new LoadedModel(
                header, engine, Evaluation.of(engine, holdout.data(), HOLDOUT_BATCH), snapshot.signerKeyId()));
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
