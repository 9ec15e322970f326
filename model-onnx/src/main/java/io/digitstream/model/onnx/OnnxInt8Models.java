package io.digitstream.model.onnx;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.engine.ModelLoader;
import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The int8 engine's loader ({@code --engine onnx-int8}): the snapshot's float32 graph is admitted
 * and loaded as {@link OnnxModels} loads it, an int8 graph is derived from it ({@link Int8Graph}),
 * and the int8 graph serves only if it reads every canary image as the float32 graph does: the
 * same digit, and no probability further than {@link #CANARY_TOLERANCE} away. Otherwise the
 * float32 graph serves, and the engine's note (in the model decision) says why.
 *
 * <p>The int8 graph is derived here, at load, rather than by the trainer: every snapshot gets
 * one, an imported graph too; nothing new has to be signed, since it is a pure function of the
 * signed graph and of calibration images fixed in the jar; and what serves is checked against
 * what was signed on every instance, just before it serves.
 */
public final class OnnxInt8Models implements ModelLoader {
    public static final String NAME = "onnx-int8";

    /** Calibration: the fixture's first training images, which no holdout or canary uses. */
    static final int CALIBRATION_IMAGES = 512;

    static final float CANARY_TOLERANCE = 0.05f;

    /** The calibration images' grey values, a copy (the benchmarks derive the graph as the loader does). */
    static byte[] calibrationImages() {
        return CALIBRATION.clone();
    }

    private static final Logger log = LoggerFactory.getLogger(OnnxInt8Models.class);
    private static final byte[] CALIBRATION =
            Arrays.copyOf(MnistFixture.train().rawPixels(), CALIBRATION_IMAGES * Mnist.PIXELS);

    private final OnnxSettings settings;
    private final float tolerance;

    public OnnxInt8Models(OnnxSettings settings) {
        this(settings, CANARY_TOLERANCE);
    }

    OnnxInt8Models(OnnxSettings settings, float tolerance) {
        this.settings = settings;
        this.tolerance = tolerance;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Decoded<InferenceEngine> load(SnapshotHeader header, byte[] payload) {
        Decoded<OnnxGraph> admitted = OnnxModels.admit(header, payload);
        if (admitted instanceof Decoded.Invalid<OnnxGraph> refused) {
            return refused.retype();
        }
        OnnxGraph graph = admitted.orElseThrow();
        Decoded<OnnxEngine> loaded = OnnxModels.engine(graph, header, payload, settings);
        if (loaded instanceof Decoded.Invalid<OnnxEngine> refused) {
            return refused.retype();
        }
        OnnxEngine float32 = loaded.orElseThrow();
        Int8Graph.Derivation derivation;
        try {
            derivation = Int8Graph.derive(graph, payload, CALIBRATION, CALIBRATION_IMAGES);
        } catch (RuntimeException e) {
            log.warn("No int8 graph for {} v{}", header.modelName(), header.version(), e);
            derivation = new Int8Graph.NotDerived("deriving it failed: " + e.getMessage());
        }
        if (derivation instanceof Int8Graph.NotDerived notDerived) {
            return Decoded.valid(float32.noted("float32: no int8 graph (" + notDerived.reason() + ")"));
        }
        var derived = (Int8Graph.Derived) derivation;
        OnnxEngine int8;
        try {
            int8 = new OnnxEngine(NAME, graph, derived.model(), settings, header.outputKind());
        } catch (RuntimeException e) {
            return Decoded.valid(
                    float32.noted("float32: ONNX Runtime refused the int8 graph (" + e.getMessage() + ")"));
        }
        String difference = canaryDifference(float32, int8);
        if (difference != null) {
            int8.close();
            return Decoded.valid(float32.noted("float32: the int8 graph was refused, " + difference));
        }
        float32.close();
        return Decoded.valid(int8.noted(String.format(
                Locale.ROOT,
                "int8: %d convolution(s) in int8, the canary within %.2f of float32",
                derived.convolutions(),
                tolerance)));
    }

    /** Where the int8 graph reads a canary image otherwise than the float32 one; null if nowhere. */
    private String canaryDifference(InferenceEngine float32, InferenceEngine int8) {
        byte[] canary = ModelVerifier.canaryImages();
        int count = canary.length / Mnist.PIXELS;
        float[] expected = float32.predict(canary, count);
        float[] actual = int8.predict(canary, count);
        for (int image = 0; image < count; image++) {
            int want = MnistTranslator.digit(expected, image);
            int got = MnistTranslator.digit(actual, image);
            if (want != got) {
                return "canary image " + image + " reads " + got + " in int8 and " + want + " in float32";
            }
            for (int c = 0; c < Mnist.CLASSES; c++) {
                float gap = Math.abs(expected[image * Mnist.CLASSES + c] - actual[image * Mnist.CLASSES + c]);
                if (gap > tolerance) {
                    return String.format(
                            Locale.ROOT,
                            "canary image %d's probability of %d is %.4f in int8 and %.4f in float32 (tolerance %.2f)",
                            image,
                            c,
                            actual[image * Mnist.CLASSES + c],
                            expected[image * Mnist.CLASSES + c],
                            tolerance);
                }
            }
        }
        return null;
    }
}
