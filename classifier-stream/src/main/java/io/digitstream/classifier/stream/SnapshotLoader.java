package io.digitstream.classifier.stream;

import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.Admission;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global-store processor for {@code model-snapshots}. The store keeps the topic's bytes as
 * they are (a plain put, so restoring the store from the topic stays correct); as a side effect
 * every snapshot of the served model name goes through admission: its signature (before its header
 * is read), the signed model name equal to the served one, not older than what serves, verified and scored on the holdout, then the promotion
 * gate. A model that passes is offered to the {@link ModelRegistry}; every outcome is logged,
 * counted and written to the decisions topic. Kafka Streams also runs this processor while it
 * restores the global store at start-up, so a restarted instance has its latest model before any
 * stream thread processes a record. A tombstone never unloads the served model.
 */
final class SnapshotLoader implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(SnapshotLoader.class);

    private final String storeName;
    private final String modelName;
    private final Admission admission;
    private final ModelRegistry registry;
    private final ClassifierMetrics metrics;
    private KeyValueStore<String, byte[]> store;

    SnapshotLoader(
            String storeName,
            String modelName,
            Admission admission,
            ModelRegistry registry,
            ClassifierMetrics metrics) {
        this.storeName = storeName;
        this.modelName = modelName;
        this.admission = admission;
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            log.warn("Ignoring a model snapshot without a key (the key must be the model name)");
            metrics.snapshotRejected(ErrorCode.MISSING_KEY);
            return;
        }
        store.put(record.key(), record.value());
        if (record.value() == null || !modelName.equals(record.key())) {
            return; // a tombstone (the served model stays), or another model this instance does not serve
        }
        try {
            admit(record.value(), record.timestamp());
        } catch (RuntimeException | LinkageError e) {
            // never let a bad snapshot stop the global thread: the old model keeps serving
            log.error("Rejected a snapshot of {}: unexpected failure while loading it", modelName, e);
            reject(record.value(), record.timestamp(), null, ErrorCode.MODEL_UNLOADABLE, "unexpected failure: " + e);
        }
    }

    private void admit(byte[] envelope, long publishedAt) {
        Decoded<ModelSnapshot> decoded = SnapshotCodec.decode(envelope, admission.trust());
        if (decoded instanceof Decoded.Invalid<ModelSnapshot> invalid) {
            reject(envelope, publishedAt, null, invalid.code(), invalid.reason());
            return;
        }
        ModelSnapshot snapshot = decoded.orElseThrow();
        if (!modelName.equals(snapshot.header().modelName())) {
            // the record key is not signed, the header is: a trusted key's snapshot of another model,
            // written under this model's key, must not serve in its place
            reject(
                    envelope,
                    publishedAt,
                    null,
                    ErrorCode.FOREIGN_MODEL,
                    "signed for model '" + snapshot.header().modelName() + "', written under '" + modelName + "'");
            return;
        }
        long serving = registry.servingVersion().orElse(0L);
        if (snapshot.header().version() <= serving) {
            // compaction keeps only the newest per name, but until it runs older ones may follow newer ones;
            // a replayed older version gets here too (a rollback republishes under a new version)
            reject(
                    envelope,
                    publishedAt,
                    null,
                    ErrorCode.STALE_VERSION,
                    "version " + snapshot.header().version() + " is not newer than the served version " + serving);
            return;
        }
        Decoded<LoadedModel> verified = admission.verifier().verify(snapshot);
        if (verified instanceof Decoded.Invalid<LoadedModel> invalid) {
            reject(envelope, publishedAt, null, invalid.code(), invalid.reason());
            return;
        }
        LoadedModel candidate = verified.orElseThrow();
        Optional<LoadedModel> served = registry.served();
        Decoded<LoadedModel> judged = admission.gate().judge(candidate, served);
        if (judged instanceof Decoded.Invalid<LoadedModel> invalid) {
            candidate.close();
            reject(envelope, publishedAt, candidate, invalid.code(), invalid.reason());
            return;
        }
        metrics.holdoutAccuracy(candidate.version(), candidate.holdout().accuracy());
        if (registry.offer(candidate) == ModelRegistry.Outcome.SERVING) {
            metrics.swapped(candidate.version());
            if (candidate.header().rollbackOf() != null) {
                log.warn(
                        "{} is a signed rollback to v{}'s weights (key {}); the accuracy gate did not apply",
                        candidate.label(),
                        candidate.header().rollbackOf(),
                        candidate.signerKeyId());
            }
            admission.decisions().accept(decision(candidate, publishedAt, served, null, null));
        } else {
            reject(
                    envelope,
                    publishedAt,
                    candidate,
                    ErrorCode.STALE_VERSION,
                    "version " + candidate.version() + " lost to a newer one");
        }
    }

    /**
     * Logs, counts and records a refusal. {@code candidate} is the verified model when the refusal
     * came after verification; otherwise the decision names what the envelope claims, read without
     * trusting it (the refusal is already decided, this is only for the record).
     */
    private void reject(byte[] envelope, long publishedAt, LoadedModel candidate, ErrorCode code, String reason) {
        var claimed = SnapshotCodec.decode(envelope, SnapshotTrust.unchecked());
        String label = claimed instanceof Decoded.Valid<ModelSnapshot> valid
                ? modelName + " v" + valid.value().header().version()
                : "a snapshot of " + modelName;
        String signer = claimed instanceof Decoded.Valid<ModelSnapshot> valid
                ? valid.value().signerKeyId()
                : null;
        log.warn(
                "Rejected {}{}: {} ({}); the served model is unchanged",
                label,
                signer == null ? "" : " (signed by " + signer + ")",
                code,
                reason);
        metrics.snapshotRejected(code);
        ModelDecision decision;
        if (candidate != null) {
            decision = decision(candidate, publishedAt, registry.served(), code, reason);
        } else {
            Long version = claimed instanceof Decoded.Valid<ModelSnapshot> valid
                    ? valid.value().header().version()
                    : 0L;
            Long rollbackOf = claimed instanceof Decoded.Valid<ModelSnapshot> valid
                    ? valid.value().header().rollbackOf()
                    : null;
            var served = registry.served();
            decision = new ModelDecision(
                    modelName,
                    version,
                    ModelDecision.REJECTED,
                    code.name(),
                    reason,
                    null,
                    null,
                    served.map(LoadedModel::version).orElse(0L),
                    served.map(m -> m.holdout().accuracy()).orElse(null),
                    signer,
                    rollbackOf,
                    admission.instanceId(),
                    publishedAt,
                    System.currentTimeMillis());
        }
        admission.decisions().accept(decision);
    }

    private ModelDecision decision(
            LoadedModel candidate, long publishedAt, Optional<LoadedModel> served, ErrorCode code, String reason) {
        return new ModelDecision(
                candidate.name(),
                candidate.version(),
                code == null ? ModelDecision.SERVING : ModelDecision.REJECTED,
                code == null ? null : code.name(),
                reason,
                candidate.holdout().accuracy(),
                candidate.holdout().examples(),
                served.map(LoadedModel::version).orElse(0L),
                served.map(m -> m.holdout().accuracy()).orElse(null),
                candidate.signerKeyId(),
                candidate.header().rollbackOf(),
                admission.instanceId(),
                publishedAt,
                System.currentTimeMillis());
    }
}
