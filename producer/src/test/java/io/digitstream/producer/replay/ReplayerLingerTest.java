package io.digitstream.producer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.cluster.KafkaConnection;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ReplayerLingerTest {
    @Test
    void aSlowPacedReplayLingersLessThanAFloodingOneAndAFastOneBatchesAsAFloodDoes() {
        assertThat(Replayer.lingerFor(0)).isEqualTo(Replayer.FLOOD_LINGER);
        assertThat(Replayer.lingerFor(250)).isEqualTo(Replayer.PACED_LINGER);
        // half a classifier's flood rate on two cores: still better served by 1 ms (P1, as deployed)
        assertThat(Replayer.lingerFor(15_000)).isEqualTo(Replayer.PACED_LINGER);
        assertThat(Replayer.PACED_LINGER).isLessThan(Replayer.FLOOD_LINGER);
        assertThat(Replayer.lingerFor(Replayer.PACED_BATCHING_RATE)).isEqualTo(Replayer.FLOOD_LINGER);
        assertThat(Replayer.lingerFor(10 * Replayer.PACED_BATCHING_RATE)).isEqualTo(Replayer.FLOOD_LINGER);
    }

    @Test
    void theLingerReachesTheProducerUnlessTheUsersClientSettingsSayOtherwise() {
        assertThat(Replayer.producerConfig(KafkaConnection.to("localhost:9092"), Duration.ofMillis(1)))
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 1);
        var tuned = new KafkaConnection("localhost:9092", Map.of(ProducerConfig.LINGER_MS_CONFIG, "20"));
        assertThat(Replayer.producerConfig(tuned, Duration.ofMillis(1)))
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20");
    }
}
