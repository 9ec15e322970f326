package io.digitstream.model.engine;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.snapshot.SnapshotHeader;

/**
 * Turns a snapshot's payload into an engine: the one thing an engine module provides (DJL's
 * engine provider). It checks the payload as that engine's format needs before any native code
 * reads it, and says why not, with an error code, when the payload may not serve.
 */
public interface ModelLoader {

    /** The engine's name, as given to {@code --engine} and shown in logs and metrics. */
    String name();

    /** An engine for the payload, or why it may not serve. The caller closes the engine. */
    Decoded<InferenceEngine> load(SnapshotHeader header, byte[] payload);
}
