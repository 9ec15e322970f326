package io.digitstream.classifier.stream;

import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global-store processor for {@code model-snapshots}. The store keeps the topic's bytes as
 * they are (a plain put, so restoring the store from the topic stays correct); as a side effect
 * every snapshot of the served model name is verified and offered to the {@link ModelRegistry}.
 * Kafka Streams also runs this processor while it restores the global store at start-up, so a
 * restarted instance has its latest model before any stream thread processes a record.
 */
final class SnapshotLoader implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(SnapshotLoader.class);

    private final String storeName;
    private final String modelName;
    private final ModelVerifier verifier;
    private final ModelRegistry registry;
    private final ClassifierMetrics metrics;
    private KeyValueStore<String, byte[]> store;

    SnapshotLoader(
            String storeName,
            String modelName,
            ModelVerifier verifier,
            ModelRegistry registry,
            ClassifierMetrics metrics) {
        this.storeName = storeName;
        this.modelName = modelName;
        this.verifier = verifier;
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
            return; // a tombstone, or another model this instance does not serve
        }
        try {
            load(record.value());
        } catch (RuntimeException | LinkageError e) {
            // never let a bad snapshot stop the global thread: the old model keeps serving
            log.error("Rejected a snapshot of {}: unexpected failure while loading it", modelName, e);
            metrics.snapshotRejected(ErrorCode.MODEL_UNLOADABLE);
        }
    }

    private void load(byte[] envelope) {
        Decoded<ModelSnapshot> decoded = SnapshotCodec.decode(envelope);
        if (decoded instanceof Decoded.Invalid<ModelSnapshot> invalid) {
            reject(invalid.code(), invalid.reason());
            return;
        }
        ModelSnapshot snapshot = decoded.orElseThrow();
        SnapshotHeader h = snapshot.header();
        long serving = registry.servingVersion().orElse(0L);
        if (h.version() <= serving) {
            // compaction keeps only the newest per name, but until it runs older ones may follow newer ones
            reject(
                    ErrorCode.STALE_VERSION,
                    "version " + h.version() + " is not newer than the served version " + serving);
            return;
        }
        Decoded<LoadedModel> verified = verifier.verify(snapshot);
        if (verified instanceof Decoded.Invalid<LoadedModel> invalid) {
            reject(invalid.code(), invalid.reason());
            return;
        }
        LoadedModel model = verified.orElseThrow();
        if (registry.offer(model) == ModelRegistry.Outcome.SERVING) {
            metrics.swapped(model.version());
        } else {
            reject(ErrorCode.STALE_VERSION, "version " + model.version() + " lost to a newer one");
        }
    }

    private void reject(ErrorCode code, String reason) {
        log.warn("Rejected a snapshot of {}: {} ({}); the served model is unchanged", modelName, code, reason);
        metrics.snapshotRejected(code);
    }
}
