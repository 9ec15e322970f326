package io.digitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.cluster.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class KafkaOptionsTest {
    @Command(name = "any")
    static final class AnyCommand {
        @Mixin
        KafkaOptions kafka;
    }

    private static KafkaOptions parse(String... args) {
        var command = new AnyCommand();
        new CommandLine(command).parseArgs(args);
        return command.kafka;
    }

    @Test
    void withoutFurtherSettingsAClientGetsItsOwnAndTheBootstrapServers() {
        KafkaConnection cluster = parse("--bootstrap-servers", "k:9092").connection();

        assertThat(cluster.clientSettings()).isEmpty();
        assertThat(cluster.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        ProducerConfig.ACKS_CONFIG, "all", CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "k:9092"));
    }

    @Test
    void theFileThenTheCommandLineGoOnTopOfEveryClientsOwnSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nacks=1\n");

        KafkaConnection cluster = parse(
                        "--bootstrap-servers",
                        "k:9092",
                        "--kafka-config",
                        file.toString(),
                        "--kafka-property",
                        "sasl.mechanism=SCRAM-SHA-512")
                .connection();
        Map<String, Object> config = cluster.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all"));

        assertThat(config)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512") // the command line over the file
                .containsEntry(ProducerConfig.ACKS_CONFIG, "1") // the user's over the client's own
                .containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "k:9092");
    }

    @Test
    void anUnreadableFileIsAClearCommandLineError(@TempDir Path dir) {
        KafkaOptions options =
                parse("--kafka-config", dir.resolve("missing.properties").toString());

        assertThatThrownBy(options::connection)
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--kafka-config")
                .hasMessageContaining("missing.properties");
    }
}
