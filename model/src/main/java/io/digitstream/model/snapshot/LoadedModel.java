package io.digitstream.model.snapshot;

import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.schemas.snapshot.SnapshotHeader;

/** A snapshot that passed verification, with the engine built from it. */
public record LoadedModel(SnapshotHeader header, InferenceEngine engine) implements AutoCloseable {

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
