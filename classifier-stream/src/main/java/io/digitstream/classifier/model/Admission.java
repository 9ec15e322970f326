package io.digitstream.classifier.model;

import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything that decides whether a snapshot serves, and where the decision is told.
 *
 * @param trust      whose signatures count (checked before the header is parsed)
 * @param verifier   loads and checks the model, and scores it on the holdout set
 * @param gate       compares it with the served model
 * @param instanceId names this instance in its decisions
 * @param decisions  where each decision goes (the model-decisions topic)
 */
public record Admission(
        SnapshotTrust trust,
        ModelVerifier verifier,
        PromotionGate gate,
        String instanceId,
        Consumer<ModelDecision> decisions) {
    public Admission {
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(decisions, "decisions");
    }
}
