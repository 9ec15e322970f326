package io.digitstream.app.command;

import io.digitstream.model.admission.PromotionGate;
import picocli.CommandLine.Option;

/** {@code --min-accuracy}: the least holdout accuracy any model needs to serve, rollback or not. */
public final class AccuracyFloorOption {
    @Option(
            names = "--min-accuracy",
            defaultValue = "${env:DIGITSTREAM_MIN_ACCURACY:-" + PromotionGate.DEFAULT_FLOOR + "}",
            description = "The least holdout accuracy any model needs to serve, a rollback too"
                    + " (env DIGITSTREAM_MIN_ACCURACY, default ${DEFAULT-VALUE}).")
    public double minAccuracy;
}
