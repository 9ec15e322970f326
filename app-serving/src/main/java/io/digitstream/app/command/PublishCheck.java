package io.digitstream.app.command;

import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code trainer publish} and {@code model import} check before they sign and send a model:
 * the classifiers' own verification (graph admission, canary, holdout) and the accuracy floor. The
 * classifiers would refuse such a model anyway; refusing here says why before anything connects.
 */
public final class PublishCheck {
    private PublishCheck() {}

    /**
     * Why a model may not be published.
     *
     * @param reason     one line: "CODE: reason", or how it misses the floor
     * @param belowFloor it verified, and scored below the floor
     */
    public record Refusal(String reason, boolean belowFloor) {}

    /** Why the snapshot would not serve, or empty. */
    public static Optional<Refusal> refusal(ModelSnapshot snapshot, double floor) {
        Decoded<LoadedModel> verified = OnnxModels.singleThreadedVerifier(Holdout.fixture(Holdout.DEFAULT_SIZE))
                .verify(snapshot);
        if (verified instanceof Decoded.Invalid<LoadedModel> invalid) {
            return Optional.of(new Refusal(invalid.code() + ": " + invalid.reason(), false));
        }
        try (LoadedModel model = verified.orElseThrow()) {
            double accuracy = model.holdout().accuracy();
            return accuracy >= floor
                    ? Optional.empty()
                    : Optional.of(new Refusal(
                            String.format(
                                    Locale.ROOT,
                                    "it scores %.2f %% on the holdout, below the floor of %.2f %%",
                                    100 * accuracy,
                                    100 * floor),
                            true));
        }
    }
}
