package io.digitstream.classifier.model;

import io.digitstream.schemas.message.ModelDecision;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where this instance tells its admission decisions.
 *
 * @param instanceId names this instance in its decisions
 * @param sink       where each decision goes (the model-decisions topic)
 */
public record Decisions(String instanceId, Consumer<ModelDecision> sink) {
    public Decisions {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(sink, "sink");
    }
}
