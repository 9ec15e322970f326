package io.digitstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void theEphemeralRangeIsTheOneTheKernelAssignsFrom() throws Exception {
        int[] ephemeral = FreePorts.ephemeralRange();
        for (int i = 0; i < 20; i++) {
            try (var socket = new ServerSocket(0)) {
                assertThat(socket.getLocalPort()).isBetween(ephemeral[0], ephemeral[1]);
            }
        }
    }

    @Test
    void portsLieOutsideTheRangeOutgoingConnectionsAreGiven() {
        int[] ephemeral = FreePorts.ephemeralRange();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.next();
            assertThat(port < ephemeral[0] || port > ephemeral[1])
                    .as("%d outside %d-%d", port, ephemeral[0], ephemeral[1])
                    .isTrue();
        }
    }

    @Test
    void noPortIsHandedOutTwice() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(ports.add(FreePorts.next())).as("a new port").isTrue();
        }
    }

    @Test
    void eachPortCanBeListenedOn() throws Exception {
        int port = FreePorts.next();
        try (var server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(server.getLocalPort()).isEqualTo(port);
        }
    }
}
