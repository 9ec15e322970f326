package io.digitstream.app.command;

import io.digitstream.mnist.data.MnistStore;
import io.digitstream.model.evaluation.Holdout;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The fixed labelled images every model version is scored on: the classifier's gate and the
 * console's models page use the same flags, so by default they score on the same images.
 */
public final class HoldoutOptions {
    @Option(
            names = "--holdout",
            defaultValue = "${env:DIGITSTREAM_HOLDOUT:-fixture}",
            description =
                    "The labelled images every snapshot is scored on: fixture (the committed test images, no download)"
                            + " or mnist (the MNIST test set, from --data-dir) (env DIGITSTREAM_HOLDOUT).")
    String holdout;

    @Option(
            names = "--holdout-size",
            defaultValue = "${env:DIGITSTREAM_HOLDOUT_SIZE:-" + Holdout.DEFAULT_SIZE + "}",
            description = "How many of them (the first N) (env DIGITSTREAM_HOLDOUT_SIZE).")
    int holdoutSize;

    /** @throws IllegalArgumentException for an unknown source or a size the source does not have */
    Holdout holdout(Path dataDir) {
        return switch (holdout) {
            case "fixture" -> Holdout.fixture(holdoutSize);
            case "mnist" ->
                Holdout.of("MNIST test set", MnistStore.withDefaults(dataDir).test(), holdoutSize);
            default -> throw new IllegalArgumentException("--holdout must be fixture or mnist, not " + holdout);
        };
    }
}
