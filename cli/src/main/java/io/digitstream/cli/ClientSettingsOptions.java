package io.digitstream.cli;

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
 * Further Kafka client settings for every client a command creates, on top of each client's own: a
 * secured cluster's {@code security.protocol}, {@code sasl.*} and {@code ssl.*}, or any tuning.
 */
public final class ClientSettingsOptions {
    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            defaultValue = "${env:DIGITSTREAM_KAFKA_CONFIG}",
            description =
                    "A properties file of further Kafka client settings for every client the command creates,"
                            + " such as a secured cluster's security.protocol, sasl.* and ssl.* (env DIGITSTREAM_KAFKA_CONFIG).")
    Path kafkaConfig;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "One such setting, applied after --kafka-config's; repeatable.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The file's settings, then the command line's. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        if (kafkaConfig != null) {
            var file = new Properties();
            try (var in = Files.newBufferedReader(kafkaConfig)) {
                file.load(in);
            } catch (IOException e) {
                String message = "--kafka-config: cannot read " + kafkaConfig + " (" + e + ")";
                throw command == null
                        ? new IllegalArgumentException(message)
                        : new ParameterException(command.commandLine(), message);
            }
            file.stringPropertyNames().forEach(name -> settings.put(name, file.getProperty(name)));
        }
        settings.putAll(kafkaProperties);
        return settings;
    }
}
