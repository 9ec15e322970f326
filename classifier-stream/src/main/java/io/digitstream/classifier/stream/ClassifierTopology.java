package io.digitstream.classifier.stream;

import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.Decisions;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.model.admission.Admission;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.topic.TopicNames;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The classifier's topology, in one place:
 * <pre>
 *   model-snapshots ─▶ [model-loader] ─▶ global store (admit ▸ swap into the ModelRegistry)
 *   digits-in ─▶ [micro-batcher + buffer store] ─┬─▶ predictions-out
 *                                                └─▶ digits-dlq
 * </pre>
 * Input is read as bytes so that a malformed record becomes a dead letter, never an exception.
 */
public final class ClassifierTopology {
    public static final String DIGITS_SOURCE = "digits-source";
    public static final String MICRO_BATCHER = "micro-batcher";
    public static final String PREDICTIONS_SINK = "predictions-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String BUFFER_STORE = "micro-batch-buffer";
    public static final String SNAPSHOT_SOURCE = "model-snapshots-source";
    public static final String MODEL_LOADER = "model-loader";
    public static final String SNAPSHOT_STORE = "model-snapshots-store";

    private ClassifierTopology() {}

    public static Topology build(
            TopicNames topics,
            BatchSettings batch,
            double uncertainBelow,
            ModelRegistry registry,
            Admission admission,
            Decisions decisions,
            ClassifierMetrics metrics,
            WarmUp warmUp) {
        var topology = new Topology();

        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(SNAPSHOT_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(), // the compacted topic is its changelog; it keeps the admitted envelope
                // only
                SNAPSHOT_SOURCE,
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                topics.modelSnapshots(),
                MODEL_LOADER,
                () -> new SnapshotLoader(SNAPSHOT_STORE, admission, registry, decisions, metrics, warmUp));

        topology.addSource(DIGITS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.digitsIn());
        topology.addProcessor(
                MICRO_BATCHER,
                () -> new MicroBatchProcessor(
                        topics.digitsIn(),
                        BUFFER_STORE,
                        batch,
                        uncertainBelow,
                        registry,
                        metrics,
                        MessageSerdes.prediction().serializer()),
                DIGITS_SOURCE);
        // Changelogged, so images whose offsets are committed survive a crash; cached, so a commit
        // writes each slot's latest state once. (A deleted key still reaches the changelog as a
        // tombstone, which is why the batcher reuses a few slots instead of a key per image.)
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.Long(), PendingImage.serde())
                        .withLoggingEnabled(java.util.Map.of())
                        .withCachingEnabled(),
                MICRO_BATCHER);
        topology.addSink(
                PREDICTIONS_SINK,
                topics.predictionsOut(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                MICRO_BATCHER);
        topology.addSink(
                DEAD_LETTER_SINK,
                topics.deadLetters(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                MICRO_BATCHER);
        return topology;
    }
}
