package io.digitstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.model.admission.PromotionGate;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.topic.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;

class ClassifierConfigTest {

    private static Properties props(Duration maxDelay, Map<String, String> clientSettings) {
        var settings = ClassifierSettings.builder(new KafkaConnection("broker:9092", clientSettings), TestModels.TRUST)
                .optApplicationId("app")
                .optBatch(BatchSettings.DEFAULTS.withMaxDelay(maxDelay))
                .optProcessingGuarantee(StreamsConfig.EXACTLY_ONCE_V2)
                .optStreamThreads(2)
                .optStateDir(Path.of("/state"))
                .optEngine(EngineChoice.ofOnnx())
                .build();
        return Classifier.streamsProperties(settings);
    }

    @Test
    void theBuilderStartsFromTheDocumentedDefaults() {
        ClassifierSettings settings = ClassifierSettings.builder(KafkaConnection.to("k:1"), TestModels.TRUST)
                .build();

        assertThat(settings.applicationId()).isEqualTo(ClassifierSettings.DEFAULT_APPLICATION_ID);
        assertThat(settings.modelName()).isEqualTo(SnapshotHeader.DEFAULT_MODEL_NAME);
        assertThat(settings.batch()).isEqualTo(BatchSettings.DEFAULTS);
        assertThat(settings.batch().maxBatch()).isEqualTo(BatchSettings.DEFAULT_MAX_BATCH);
        assertThat(settings.processingGuarantee()).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
        assertThat(settings.topics()).isEqualTo(TopicNames.DEFAULTS);
        ClassifierSettings changed = settings.toBuilder().optStreamThreads(3).build();
        assertThat(changed.streamThreads()).isEqualTo(3);
        assertThat(changed.toBuilder()
                        .optStreamThreads(settings.streamThreads())
                        .build())
                .isEqualTo(settings);
        assertThat(settings.gate()).isEqualTo(PromotionGate.DEFAULT);
        assertThat(settings.holdout().size()).isEqualTo(Holdout.DEFAULT_SIZE);
    }

    @Test
    void anUnknownProcessingGuaranteeIsRefusedWithTheTwoThatExist() {
        assertThatThrownBy(() -> ClassifierSettings.builder(KafkaConnection.to("k:1"), TestModels.TRUST)
                        .optProcessingGuarantee("exactly_once")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly_once_v2");
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
    void thePartitionAssignorSeesTheProcessingExceptionHandlerOnAsTheStreamThreadsDo() {
        // the assignor reads Kafka Streams' configuration from the main consumer's settings; without
        // the flag there, Kafka Streams 4.4 warns at every start that the handler is off
        Map<String, Object> consumer =
                new StreamsConfig(props(Duration.ofMillis(10), Map.of())).getMainConsumerConfigs("app", "client", 0);
        assertThat(consumer).containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    }

    @Test
    void aLongMaxDelayNeverMakesTheThreadBlockInPoll() {
        assertThat(props(Duration.ofHours(1), Map.of()).get(StreamsConfig.POLL_MS_CONFIG))
                .isEqualTo(100L);
    }

    @Test
    void theUsersClientSettingsComeLastAndReachTheTopicAdmin() {
        Properties props = props(
                Duration.ofMillis(10),
                Map.of(
                        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                        "50",
                        "security.protocol",
                        "SASL_SSL",
                        StreamsConfig.producerPrefix("linger.ms"),
                        "20"));

        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("50");
        assertThat(props.get(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo("20");
        // the admin client that creates the topics gets the security setting too
        assertThat(new StreamsConfig(props).getAdminConfigs("x")).containsEntry("security.protocol", "SASL_SSL");
    }
}
