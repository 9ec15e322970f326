package io.digitstream.model.snapshot;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Decides whether a snapshot may serve: checksum, declared shapes, that the payload loads, and
 * that a canary batch of real digits gets finite probabilities summing to one. Only a model that
 * passes all of them is handed out; anything else is a typed reason and the caller keeps serving
 * what it has.
 */
public final class ModelVerifier {
    static final int CANARY_SIZE = 16;
    private static final double SUM_TOLERANCE = 1e-3;

    private final byte[] canary;

    public ModelVerifier() {
        MnistDataset test = MnistFixture.test();
        this.canary = java.util.Arrays.copyOf(test.rawPixels(), CANARY_SIZE * Mnist.PIXELS);
    }

    /** Decodes the envelope bytes and verifies what they hold. */
    public Decoded<LoadedModel> verify(byte[] envelope) {
        return SnapshotCodec.decode(envelope).flatMap(this::verify);
    }

    public Decoded<LoadedModel> verify(ModelSnapshot snapshot) {
        SnapshotHeader header = snapshot.header();
        if (!SnapshotHeader.DL4J_MODEL_ZIP.equals(header.payloadFormat())) {
            return Decoded.invalid(ErrorCode.BAD_HEADER, "payload format '" + header.payloadFormat() + "' is not "
                    + SnapshotHeader.DL4J_MODEL_ZIP);
        }
        if (!header.inputShape().equals(List.of(1, Mnist.SIDE, Mnist.SIDE)) || header.outputSize() != Mnist.CLASSES) {
            return Decoded.invalid(ErrorCode.MODEL_SHAPE_MISMATCH, "the header declares input " + header.inputShape()
                    + " and " + header.outputSize() + " outputs; this pipeline needs [1, 28, 28] and 10");
        }
        MultiLayerNetwork network;
        try {
            network = Dl4jSnapshots.restore(snapshot.payload());
        } catch (Exception | LinkageError e) {
            return Decoded.invalid(ErrorCode.MODEL_UNLOADABLE, "the payload does not load as a Deeplearning4j model: " + e);
        }
        // ReLU and max-pooling can hide a NaN weight from the canary, so look at every weight
        float[] weights = network.params().data().asFloat();
        for (int i = 0; i < weights.length; i++) {
            if (!Float.isFinite(weights[i])) {
                network.close();
                return Decoded.invalid(ErrorCode.MODEL_WEIGHTS_INVALID, "parameter " + i + " of " + weights.length
                        + " is " + weights[i]);
            }
        }
        InferenceEngine engine = new Dl4jEngine(network);
        Decoded<float[]> canaryResult = runCanary(engine);
        if (canaryResult instanceof Decoded.Invalid<float[]> invalid) {
            engine.close();
            return invalid.retype();
        }
        return Decoded.valid(new LoadedModel(header, engine));
    }

    private Decoded<float[]> runCanary(InferenceEngine engine) {
        float[] probabilities;
        try {
            probabilities = engine.predict(canary, CANARY_SIZE);
        } catch (RuntimeException e) {
            return Decoded.invalid(ErrorCode.MODEL_SHAPE_MISMATCH, "the model fails on 28x28 images: " + e.getMessage());
        }
        if (probabilities.length != CANARY_SIZE * Mnist.CLASSES) {
            return Decoded.invalid(ErrorCode.MODEL_SHAPE_MISMATCH, "the model gives " + probabilities.length / CANARY_SIZE
                    + " outputs per image; 10 are needed");
        }
        for (int image = 0; image < CANARY_SIZE; image++) {
            double sum = 0;
            for (int c = 0; c < Mnist.CLASSES; c++) {
                float p = probabilities[image * Mnist.CLASSES + c];
                if (!Float.isFinite(p) || p < 0 || p > 1) {
                    return Decoded.invalid(ErrorCode.MODEL_OUTPUT_INVALID, "canary image " + image + " gets probability "
                            + p + " for digit " + c);
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                return Decoded.invalid(ErrorCode.MODEL_OUTPUT_INVALID, "canary image " + image
                        + " gets probabilities summing to " + sum);
            }
        }
        return Decoded.valid(probabilities);
    }
}
