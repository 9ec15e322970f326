package io.digitstream.schemas.snapshot;

import io.digitstream.schemas.Mnist;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot: the header and the payload whose SHA-256 matched it.
 *
 * @param signerKeyId the key that signed the envelope it came from; null when unsigned or not yet encoded
 */
public record ModelSnapshot(SnapshotHeader header, byte[] payload, String signerKeyId) {
    public ModelSnapshot {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(payload, "payload");
    }

    /** A snapshot about to be encoded (signed or not). */
    public ModelSnapshot(SnapshotHeader header, byte[] payload) {
        this(header, payload, null);
    }

    public Optional<String> signer() {
        return Optional.ofNullable(signerKeyId);
    }

    /** "name v7", for logs. */
    public String label() {
        return header.modelName() + " v" + header.version();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSnapshot s
                && header.equals(s.header)
                && Arrays.equals(payload, s.payload)
                && Objects.equals(signerKeyId, s.signerKeyId);
    }

    @Override
    public int hashCode() {
        return 31 * header.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ModelSnapshot[" + label() + ", " + payload.length + " bytes]";
    }

    /** A new snapshot of an ONNX graph (the contract's shapes, made now), its header's digest the graph's. */
    public static ModelSnapshot ofGraph(
            String modelName, long version, byte[] graph, TrainingFacts facts, ModelOutput output) {
        var header = new SnapshotHeader(
                modelName,
                version,
                System.currentTimeMillis(),
                SnapshotHeader.ONNX_GRAPH,
                SnapshotCodec.sha256Hex(graph),
                List.of(1, Mnist.SIDE, Mnist.SIDE),
                Mnist.CLASSES,
                facts,
                null,
                output);
        return new ModelSnapshot(header, graph);
    }
}
