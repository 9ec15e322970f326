package io.digitstream.cli;

import io.digitstream.schemas.snapshot.SnapshotHeader;
import picocli.CommandLine.Option;

/** Which model a command trains, serves or shows: the key of its snapshots. */
public final class ModelNameOptions {
    @Option(
            names = "--model-name",
            defaultValue = "${env:DIGITSTREAM_MODEL_NAME:-" + SnapshotHeader.DEFAULT_MODEL_NAME + "}",
            description = "The model: the key of its snapshots on the snapshots topic (env DIGITSTREAM_MODEL_NAME).")
    String modelName;

    public String modelName() {
        return modelName;
    }
}
