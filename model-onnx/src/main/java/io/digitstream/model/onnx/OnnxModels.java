package io.digitstream.model.onnx;

import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.ModelLoader;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.snapshot.SnapshotHeader;

/**
 * The ONNX engine's loader: the payload must be an ONNX graph, admitted by {@link OnnxGraph}
 * before ONNX Runtime reads it, then run by an {@link OnnxEngine} with these settings.
 */
public final class OnnxModels implements ModelLoader {
    private final OnnxSettings settings;

    public OnnxModels(OnnxSettings settings) {
        this.settings = settings;
    }

    /** A verifier that serves with one ONNX Runtime thread per model: the console's, and tests'. */
    public static ModelVerifier singleThreadedVerifier(Holdout holdout) {
        return new ModelVerifier(new OnnxModels(OnnxSettings.singleThreaded()), holdout);
    }

    @Override
    public String name() {
        return OnnxEngine.NAME;
    }

    @Override
    public Decoded<InferenceEngine> load(SnapshotHeader header, byte[] payload) {
        return admit(header, payload)
                .flatMap(graph -> engine(graph, header, payload, settings))
                .map(InferenceEngine.class::cast);
    }

    /** The payload's graph if it is one and passes admission: the one check both ONNX loaders run. */
    static Decoded<OnnxGraph> admit(SnapshotHeader header, byte[] payload) {
        if (!SnapshotHeader.ONNX_GRAPH.equals(header.payloadFormat())) {
            return Decoded.invalid(
                    ErrorCode.BAD_HEADER,
                    "payload format '" + header.payloadFormat() + "' is not " + SnapshotHeader.ONNX_GRAPH);
        }
        return OnnxGraph.admit(payload);
    }

    /** ONNX Runtime on an admitted graph, or why it would not load it. */
    static Decoded<OnnxEngine> engine(OnnxGraph graph, SnapshotHeader header, byte[] payload, OnnxSettings settings) {
        try {
            return Decoded.valid(new OnnxEngine(graph, payload, settings, header.outputKind()));
        } catch (RuntimeException | LinkageError e) {
            return Decoded.invalid(ErrorCode.MODEL_UNLOADABLE, e.getMessage());
        }
    }
}
