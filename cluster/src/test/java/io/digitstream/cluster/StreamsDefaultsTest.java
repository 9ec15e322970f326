package io.digitstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsDefaultsTest {
    @Test
    void theStreamThreadsAndThePartitionAssignorBothSeeGlobalProcessingExceptionsHandled() {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        StreamsDefaults.handleGlobalProcessingExceptions(props);

        var config = new StreamsConfig(props);
        assertThat(config.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG))
                .isTrue();
        // the assignor reads Kafka Streams' configuration from these
        assertThat(config.getMainConsumerConfigs("app", "client", 0))
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    }
}
