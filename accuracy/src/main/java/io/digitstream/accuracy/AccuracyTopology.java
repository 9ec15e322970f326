package io.digitstream.accuracy;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.StreamsDefaults;
import io.digitstream.schemas.message.JsonSerde;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.topic.TopicNames;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Running accuracy per model version, as an application of its own rather than part of the
 * classifier: it needs every labelled prediction of a version in one place (a repartition by
 * version) while the classifier scales by image, it can run against any predictions stream, and
 * a failure here never touches serving.
 * <pre>
 *   predictions-out ─▶ labelled only ─▶ re-key by model version ─▶ aggregate ─▶ accuracy-out
 * </pre>
 */
public final class AccuracyTopology {
    public static final String DEFAULT_APPLICATION_ID = "digitstream-accuracy";
    public static final int DEFAULT_WINDOW = 500;
    static final String STATE_STORE = "accuracy-by-version";

    private AccuracyTopology() {}

    public static Topology build(TopicNames topics, int windowSize) {
        var builder = new StreamsBuilder();
        builder.stream(
                        topics.predictionsOut(),
                        Consumed.with(Serdes.String(), MessageSerdes.prediction())
                                .withName("predictions"))
                .filter((id, p) -> p != null && p.label() != null, Named.as("labelled-only"))
                .selectKey((id, p) -> Long.toString(p.modelVersion()), Named.as("by-model-version"))
                .groupByKey(Grouped.with("predictions-by-version", Serdes.String(), MessageSerdes.prediction()))
                .aggregate(
                        () -> AccuracyState.empty(windowSize),
                        (version, prediction, state) -> state.add(prediction),
                        Named.as("tally"),
                        Materialized
                                .<String, AccuracyState,
                                        org.apache.kafka.streams.state.KeyValueStore<
                                                org.apache.kafka.common.utils.Bytes, byte[]>>
                                        as(STATE_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(new JsonSerde<>(AccuracyState.class)))
                .toStream(Named.as("updates"))
                .mapValues(
                        (version, state) -> state.report(Long.parseLong(version), System.currentTimeMillis()),
                        Named.as("report"))
                .to(
                        topics.accuracyOut(),
                        Produced.with(Serdes.String(), MessageSerdes.accuracyReport())
                                .withName("accuracy"));
        return builder.build();
    }

    /** The application's Kafka Streams configuration: its own settings, then the cluster's client settings. */
    public static Properties streamsProperties(KafkaConnection cluster, String applicationId, Path stateDir) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // a prediction that is not valid JSON is logged and skipped: it cannot be scored
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // reports every second rather than every 30 s
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        StreamsDefaults.handleGlobalProcessingExceptions(props);
        props.putAll(cluster.clientSettings());
        return props;
    }
}
