package io.digitstream.schemas.cli;

import io.digitstream.schemas.topic.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every digitstream command shares: where the cluster is, how to talk to it, and what
 * the topics are called. Each flag has an environment variable with the same meaning; the flag wins.
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

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:DIGITSTREAM_KAFKA_CONFIG}",
            description = "A properties file of further Kafka client settings for every client the command creates,"
                    + " such as a secured cluster's security.protocol, sasl.* and ssl.* (env DIGITSTREAM_KAFKA_CONFIG).")
    Path kafkaConfig;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "One such setting, applied after --kafka-config's; repeatable.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The cluster and the client settings the user gave. */
    public KafkaConnection connection() {
        Map<String, String> settings = new LinkedHashMap<>();
        if (kafkaConfig != null) {
            var file = new Properties();
            try (var in = Files.newBufferedReader(kafkaConfig)) {
                file.load(in);
            } catch (IOException e) {
                String message = "--kafka-config: cannot read " + kafkaConfig + " (" + e + ")";
                throw command == null ? new IllegalArgumentException(message)
                        : new ParameterException(command.commandLine(), message);
            }
            file.stringPropertyNames().forEach(name -> settings.put(name, file.getProperty(name)));
        }
        settings.putAll(kafkaProperties);
        return new KafkaConnection(bootstrapServers, settings);
    }

    public TopicNames topics() {
        return new TopicNames(digitsIn, predictionsOut, modelSnapshots, deadLetters, accuracyOut);
    }
}
