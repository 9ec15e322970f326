package io.digitstream.classifier.stream;

import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.Decisions;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.model.admission.Admission;
import io.digitstream.model.admission.Verdict;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.ModelDecision;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global-store processor for {@code model-snapshots}: every record under the served model's
 * key goes through the shared {@link Admission} (size, signature, name, high-water mark,
 * verification, gate), and an admitted model is offered to the {@link ModelRegistry}; every
 * outcome is logged, counted and written to the decisions topic. A record under another key is
 * another model's: a trusted snapshot of that model is left alone, junk is refused and decided
 * as here.
 *
 * <p>The store keeps only the admitted envelope, under the model's name: junk on the topic (unique
 * keys, oversized, unsigned) never accumulates in memory. Kafka Streams runs this processor again
 * over the whole topic while it restores the in-memory store at start-up, so a restarted instance
 * has its latest model before any stream thread processes a record. A tombstone never unloads the
 * served model.
 */
final class SnapshotLoader implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(SnapshotLoader.class);
    private static final int MAX_NAME_LENGTH = 256;

    private final String storeName;
    private final Admission admission;
    private final ModelRegistry registry;
    private final Decisions decisions;
    private final ClassifierMetrics metrics;
    private final WarmUp warmUp;
    private KeyValueStore<String, byte[]> store;

    SnapshotLoader(
            String storeName,
            Admission admission,
            ModelRegistry registry,
            Decisions decisions,
            ClassifierMetrics metrics,
            WarmUp warmUp) {
        this.storeName = storeName;
        this.warmUp = warmUp;
        this.admission = admission;
        this.registry = registry;
        this.decisions = decisions;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Optional<LoadedModel> served = registry.served();
        if (record.value() == null) {
            return; // a tombstone: the served model stays
        }
        if (record.key() == null) {
            reject(
                    "(no key)",
                    Verdict.Refused.of(ErrorCode.MISSING_KEY, "a snapshot record's key must be its model's name"),
                    record.timestamp(),
                    served);
            return;
        }
        if (!admission.modelName().equals(record.key())) {
            // another model's record: not served here, but junk is refused (and decided) wherever it is written
            admission
                    .screenOtherModel(record.key(), record.value())
                    .ifPresent(refused -> reject(named(record.key()), refused, record.timestamp(), served));
            return;
        }
        Verdict verdict;
        try {
            verdict = admission.admit(record.value(), served);
        } catch (RuntimeException | LinkageError e) {
            // never let a bad snapshot stop the global thread: the old model keeps serving
            log.error("Rejected a snapshot of {}: unexpected failure while loading it", admission.modelName(), e);
            verdict = Verdict.Refused.of(ErrorCode.MODEL_UNLOADABLE, "unexpected failure: " + e);
        }
        if (verdict instanceof Verdict.Admitted admitted) {
            serve(admitted.model(), record, served);
        } else {
            reject(admission.modelName(), (Verdict.Refused) verdict, record.timestamp(), served);
        }
    }

    /** A record key as a decision names it: a writer's key may be megabytes long. */
    private static String named(String key) {
        return key.length() <= MAX_NAME_LENGTH ? key : key.substring(0, MAX_NAME_LENGTH) + "...";
    }

    private void serve(LoadedModel candidate, Record<String, byte[]> record, Optional<LoadedModel> served) {
        metrics.holdoutAccuracy(candidate.version(), candidate.holdout().accuracy());
        if (served.map(old -> old.version() < candidate.version()).orElse(true)
                && !warmedUp(candidate, record, served)) {
            return;
        }
        if (registry.offer(candidate) != ModelRegistry.Outcome.SERVING) {
            reject(
                    admission.modelName(),
                    new Verdict.Refused(
                            ErrorCode.STALE_VERSION,
                            "version " + candidate.version() + " lost to a newer one",
                            Optional.empty(),
                            Optional.of(candidate)),
                    record.timestamp(),
                    served);
            return;
        }
        store.put(record.key(), record.value());
        metrics.swapped(candidate.version());
        if (candidate.header().rollbackOf() != null) {
            log.warn(
                    "{} is a signed rollback to v{}'s weights (key {}); the accuracy gate did not apply",
                    candidate.label(),
                    candidate.header().rollbackOf(),
                    candidate.signerKeyId());
        }
        decisions
                .sink()
                .accept(decision(
                        admission.modelName(),
                        candidate.version(),
                        ModelDecision.SERVING,
                        null,
                        null,
                        Optional.of(candidate),
                        candidate.signerKeyId(),
                        candidate.header().rollbackOf(),
                        record.timestamp(),
                        served));
    }

    /**
     * Runs the candidate at every batch size before it serves, so no user's batch is its first of
     * that size (the old model serves meanwhile). An engine that fails here is refused.
     */
    private boolean warmedUp(LoadedModel candidate, Record<String, byte[]> record, Optional<LoadedModel> served) {
        if (!warmUp.enabled()) {
            return true;
        }
        try {
            Duration took = warmUp.engine(candidate.engine());
            log.info(
                    "Warmed up {} at {} batch sizes up to max-batch in {} ms",
                    candidate.label(),
                    warmUp.batchSizes().size(),
                    took.toMillis());
            return true;
        } catch (RuntimeException e) {
            log.error("{} failed its warm-up", candidate.label(), e);
            candidate.close();
            reject(
                    admission.modelName(),
                    new Verdict.Refused(
                            ErrorCode.MODEL_UNLOADABLE,
                            "failed its warm-up: " + e.getMessage(),
                            Optional.empty(),
                            Optional.of(candidate)),
                    record.timestamp(),
                    served);
            return false;
        }
    }

    /**
     * Logs, counts and records a refusal; the served model is unchanged.
     *
     * @param modelName the record's key: the model it was written as
     */
    private void reject(String modelName, Verdict.Refused refused, long publishedAt, Optional<LoadedModel> served) {
        long version = refused.candidate().map(LoadedModel::version).orElse(refused.version());
        String signer = refused.candidate().map(LoadedModel::signerKeyId).orElse(refused.signerKeyId());
        log.warn(
                "Rejected {}{}: {} ({}); the served model is unchanged",
                version == 0 ? "a snapshot record under " + modelName : modelName + " v" + version,
                signer == null ? "" : " (signed by " + signer + ")",
                refused.code(),
                refused.reason());
        metrics.snapshotRejected(refused.code());
        decisions
                .sink()
                .accept(decision(
                        modelName,
                        version,
                        ModelDecision.REJECTED,
                        refused.code(),
                        refused.reason(),
                        refused.candidate(),
                        signer,
                        refused.candidate().map(c -> c.header().rollbackOf()).orElse(refused.rollbackOf()),
                        publishedAt,
                        served));
    }

    private ModelDecision decision(
            String modelName,
            long version,
            String outcome,
            ErrorCode code,
            String reason,
            Optional<LoadedModel> scored,
            String signer,
            Long rollbackOf,
            long publishedAt,
            Optional<LoadedModel> served) {
        boolean serving = ModelDecision.SERVING.equals(outcome);
        return new ModelDecision(
                modelName,
                version,
                outcome,
                code == null ? null : code.name(),
                reason,
                scored.map(m -> m.holdout().accuracy()).orElse(null),
                scored.map(m -> m.holdout().examples()).orElse(null),
                served.map(LoadedModel::version).orElse(0L),
                served.map(m -> m.holdout().accuracy()).orElse(null),
                signer,
                rollbackOf,
                decisions.instanceId(),
                publishedAt,
                System.currentTimeMillis(),
                serving ? scored.map(m -> m.engine().name()).orElse(null) : null,
                serving ? scored.flatMap(m -> m.engine().note()).orElse(null) : null);
    }
}
