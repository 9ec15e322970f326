package io.digitstream.producer.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.mnist.data.MnistFixture;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replay to a cluster that does not answer stops at the first image the producer gives up on:
 * each send otherwise waits out the producer's max.block.ms (30 s by default) on its own, and a
 * replay of the test set would take days to say the cluster is not there.
 */
@Timeout(30)
class ReplayerUnreachableTest {

    @Test
    void theFirstImageTheClusterDoesNotTakeEndsTheReplay() throws Exception {
        String nobody;
        try (var socket = new ServerSocket(0)) {
            nobody = "127.0.0.1:" + socket.getLocalPort();
        }
        var cluster = new KafkaConnection(nobody, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300"));
        long started = System.nanoTime();

        try (var replayer = new Replayer(cluster, "digits-in")) {
            assertThatThrownBy(() ->
                            replayer.replay(MnistFixture.test(), new ReplayPlan(0, 20, null, 0, false, "t-"), null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("1 of 1 images were not accepted by digits-in");
        }

        // twenty sends of 300 ms each would take 6 s
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
