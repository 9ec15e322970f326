package io.digitstream.schemas.cli;

import io.digitstream.schemas.topic.TopicNames;
import picocli.CommandLine.Option;

/**
 * The options every digitstream command shares: where the cluster is and what the topics are
 * called. Each flag has an environment variable with the same meaning; the flag wins.
 */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:DIGITSTREAM_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env DIGITSTREAM_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    public String bootstrapServers;

    @Option(names = "--digits-topic", defaultValue = "${env:DIGITSTREAM_DIGITS_TOPIC:-" + TopicNames.DIGITS_IN + "}",
            description = "Image events in (env DIGITSTREAM_DIGITS_TOPIC; default ${DEFAULT-VALUE}).")
    String digitsIn;

    @Option(names = "--predictions-topic",
            defaultValue = "${env:DIGITSTREAM_PREDICTIONS_TOPIC:-" + TopicNames.PREDICTIONS_OUT + "}",
            description = "Predictions out (env DIGITSTREAM_PREDICTIONS_TOPIC; default ${DEFAULT-VALUE}).")
    String predictionsOut;

    @Option(names = "--snapshots-topic",
            defaultValue = "${env:DIGITSTREAM_SNAPSHOTS_TOPIC:-" + TopicNames.MODEL_SNAPSHOTS + "}",
            description = "Compacted model snapshots (env DIGITSTREAM_SNAPSHOTS_TOPIC; default ${DEFAULT-VALUE}).")
    String modelSnapshots;

    @Option(names = "--dlq-topic", defaultValue = "${env:DIGITSTREAM_DLQ_TOPIC:-" + TopicNames.DIGITS_DLQ + "}",
            description = "Dead letters (env DIGITSTREAM_DLQ_TOPIC; default ${DEFAULT-VALUE}).")
    String deadLetters;

    @Option(names = "--accuracy-topic", defaultValue = "${env:DIGITSTREAM_ACCURACY_TOPIC:-" + TopicNames.ACCURACY_OUT + "}",
            description = "Accuracy reports (env DIGITSTREAM_ACCURACY_TOPIC; default ${DEFAULT-VALUE}).")
    String accuracyOut;

    public TopicNames topics() {
        return new TopicNames(digitsIn, predictionsOut, modelSnapshots, deadLetters, accuracyOut);
    }
}
