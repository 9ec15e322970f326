package io.digitstream.cli;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.schemas.topic.TopicNames;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every digitstream command shares: where the cluster is, how to talk to it, and what
 * the topics are called. Each flag has an environment variable with the same meaning; the flag wins.
 */
public final class KafkaOptions {
    /** Where the parts look for Kafka unless told otherwise. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:DIGITSTREAM_BOOTSTRAP_SERVERS:-" + DEFAULT_BOOTSTRAP_SERVERS + "}",
            description = "Kafka bootstrap servers (env DIGITSTREAM_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--digits-topic",
            defaultValue = "${env:DIGITSTREAM_DIGITS_TOPIC:-" + TopicNames.DIGITS_IN + "}",
            description = "Image events in (env DIGITSTREAM_DIGITS_TOPIC; default ${DEFAULT-VALUE}).")
    String digitsIn;

    @Option(
            names = "--predictions-topic",
            defaultValue = "${env:DIGITSTREAM_PREDICTIONS_TOPIC:-" + TopicNames.PREDICTIONS_OUT + "}",
            description = "Predictions out (env DIGITSTREAM_PREDICTIONS_TOPIC; default ${DEFAULT-VALUE}).")
    String predictionsOut;

    @Option(
            names = "--snapshots-topic",
            defaultValue = "${env:DIGITSTREAM_SNAPSHOTS_TOPIC:-" + TopicNames.MODEL_SNAPSHOTS + "}",
            description = "Compacted model snapshots (env DIGITSTREAM_SNAPSHOTS_TOPIC; default ${DEFAULT-VALUE}).")
    String modelSnapshots;

    @Option(
            names = "--dlq-topic",
            defaultValue = "${env:DIGITSTREAM_DLQ_TOPIC:-" + TopicNames.DIGITS_DLQ + "}",
            description = "Dead letters (env DIGITSTREAM_DLQ_TOPIC; default ${DEFAULT-VALUE}).")
    String deadLetters;

    @Option(
            names = "--accuracy-topic",
            defaultValue = "${env:DIGITSTREAM_ACCURACY_TOPIC:-" + TopicNames.ACCURACY_OUT + "}",
            description = "Accuracy reports (env DIGITSTREAM_ACCURACY_TOPIC; default ${DEFAULT-VALUE}).")
    String accuracyOut;

    @Option(
            names = "--decisions-topic",
            defaultValue = "${env:DIGITSTREAM_DECISIONS_TOPIC:-" + TopicNames.MODEL_DECISIONS + "}",
            description =
                    "Each classifier's model decisions (env DIGITSTREAM_DECISIONS_TOPIC; default ${DEFAULT-VALUE}).")
    String modelDecisions;

    @Mixin
    ClientSettingsOptions client;

    /** The cluster and the client settings the user gave. */
    public KafkaConnection connection() {
        return new KafkaConnection(bootstrapServers, client.settings());
    }

    public TopicNames topics() {
        return new TopicNames(digitsIn, predictionsOut, modelSnapshots, deadLetters, accuracyOut, modelDecisions);
    }
}
