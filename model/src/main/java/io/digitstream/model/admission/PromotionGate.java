package io.digitstream.model.admission;

import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a verified candidate may replace the served model, judged on the holdout set both were
 * scored on: at least {@code floor}, and at most {@code tolerance} below the served model. A
 * signed rollback ({@code rollbackOf} in its header) is a key holder's deliberate act and may be
 * below the served model, never below the floor.
 *
 * @param tolerance how far below the served model's holdout accuracy a candidate may be (0.005 = half a point)
 * @param floor     the least holdout accuracy any model needs to serve
 */
public record PromotionGate(double tolerance, double floor) {
    public static final double DEFAULT_TOLERANCE = 0.005;
    /** A model that gets half the holdout wrong is broken, whatever it replaces. */
    public static final double DEFAULT_FLOOR = 0.5;

    public static final PromotionGate DEFAULT = new PromotionGate(DEFAULT_TOLERANCE, DEFAULT_FLOOR);

    public PromotionGate {
        if (tolerance < 0 || tolerance > 1 || floor < 0 || floor > 1) {
            throw new IllegalArgumentException("tolerance and floor are fractions between 0 and 1");
        }
    }

    /** The candidate again if it may serve, or the reason it may not. */
    public Decoded<LoadedModel> judge(LoadedModel candidate, Optional<LoadedModel> served) {
        double accuracy = candidate.holdout().accuracy();
        // the floor holds for everyone: a leaked key's "rollback" may not serve a broken model
        if (accuracy < floor) {
            return Decoded.invalid(
                    ErrorCode.ACCURACY_BELOW_FLOOR,
                    String.format(
                            Locale.ROOT,
                            "%s scores %.2f %% on the holdout; the floor is %.2f %%",
                            candidate.label(),
                            100 * accuracy,
                            100 * floor));
        }
        if (candidate.header().rollbackOf() != null) {
            return Decoded.valid(candidate);
        }
        if (served.isPresent() && accuracy < served.get().holdout().accuracy() - tolerance) {
            return Decoded.invalid(
                    ErrorCode.ACCURACY_REGRESSION,
                    String.format(
                            Locale.ROOT,
                            "%s scores %.2f %% on the holdout, %s (served) %.2f %%; at most %.2f points"
                                    + " lower may replace it",
                            candidate.label(),
                            100 * accuracy,
                            served.get().label(),
                            100 * served.get().holdout().accuracy(),
                            100 * tolerance));
        }
        return Decoded.valid(candidate);
    }
}
