package io.digitstream.model.snapshot;

import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.schemas.snapshot.SnapshotHeader;

/**
 * A snapshot that passed verification, with the engine built from it.
 *
 * @param holdout     how it did on the verifier's holdout set
 * @param signerKeyId the key that signed it; null when it was unsigned
 */
public record LoadedModel(SnapshotHeader header, InferenceEngine engine, Evaluation holdout, String signerKeyId)
        implements AutoCloseable {

    public String name() {
        return header.modelName();
    }

    public long version() {
        return header.version();
    }

    /** "name v7", for logs. */
    public String label() {
        return header.modelName() + " v" + header.version();
    }

    @Override
    public void close() {
        engine.close();
    }
}
