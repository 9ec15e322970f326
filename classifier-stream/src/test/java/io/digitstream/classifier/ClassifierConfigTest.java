package io.digitstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import io.digitstream.model.engine.EngineChoice;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.classifier.stream.NoModelPolicy;
import io.digitstream.schemas.topic.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClassifierConfigTest {

    private static Properties props(Duration maxDelay, Map<String, Object> overrides) {
        var settings = new ClassifierSettings("broker:9092", "app", TopicNames.DEFAULTS, "m",
                new BatchSettings(64, maxDelay, NoModelPolicy.WAIT, Duration.ofMinutes(1), 1000),
                StreamsConfig.EXACTLY_ONCE_V2, 2, Path.of("/state"), EngineChoice.ofDl4j(), 3, true, Duration.ofSeconds(5), overrides);
        return Classifier.streamsProperties(settings);
    }

    @Test
    void streamsPropertiesCarryTheSettingsAndTheSafetyDefaults() {
        Properties props = props(Duration.ofMillis(10), Map.of());

        assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("app");
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(2);
        assertThat(props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(LogAndContinueExceptionHandler.class);
        assertThat(props.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(10L);
        // validates as a whole
        new StreamsConfig(props);
    }

    @Test
    void aLongMaxDelayNeverMakesTheThreadBlockInPoll() {
        assertThat(props(Duration.ofHours(1), Map.of()).get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(100L);
    }

    @Test
    void overridesComeLast() {
        assertThat(props(Duration.ofMillis(10), Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50))
                .get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(50);
    }

    @Test
    void furtherClientSettingsReachKafkaStreamsAndTheTopicAdmin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nproducer.linger.ms=20\ncommit.interval.ms=250\n");
        var app = new ClassifierApp();
        new CommandLine(app).parseArgs("--kafka-config", file.toString(), "--kafka-property", "commit.interval.ms=100");

        Properties props = Classifier.streamsProperties(app.settings());

        assertThat(props.get("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(props.get(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo("20");
        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("100");
        // and the admin client that creates the topics gets the security setting too
        assertThat(new StreamsConfig(props).getAdminConfigs("x")).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void theCommandLineHasDocumentedDefaultsAndRefusesAnUnknownGuarantee() {
        var app = new ClassifierApp();
        new CommandLine(app).parseArgs("--bootstrap-servers", "k:1", "--max-batch", "32");
        ClassifierSettings settings = app.settings();
        assertThat(settings.bootstrapServers()).isEqualTo("k:1");
        assertThat(settings.batch().maxBatch()).isEqualTo(32);
        assertThat(settings.batch().maxDelay()).isEqualTo(Duration.ofMillis(10));
        assertThat(settings.processingGuarantee()).isEqualTo("at_least_once");
        assertThat(settings.topics()).isEqualTo(TopicNames.DEFAULTS);

        var bad = new ClassifierApp();
        new CommandLine(bad).parseArgs("--processing-guarantee", "exactly_once");
        org.assertj.core.api.Assertions.assertThatThrownBy(bad::settings)
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("exactly_once_v2");
    }
}
