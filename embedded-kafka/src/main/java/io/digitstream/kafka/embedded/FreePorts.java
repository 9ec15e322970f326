package io.digitstream.kafka.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that tests and benchmarks start: brokers, controllers, metrics endpoints.
 *
 * <p>Binding port 0 and closing the socket hands out an ephemeral port, and any outgoing connection
 * may take that port before the server binds it: in CI one node of a three-node cluster connecting
 * to another did, and the third node's listener failed to start. Ports here come from below the
 * ephemeral range, where only explicit binds land, are tried before they are handed out, and are
 * handed out once per JVM.
 */
public final class FreePorts {
    private static final int LOWEST = 20_000;
    /** Below Linux's default ephemeral range (32768-60999) and the IANA one macOS and Windows use. */
    private static final int HIGHEST = 32_767;

    private static final Path LINUX_EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** A port no server on this machine listens on now, outside the range outgoing connections use. */
    public static int next() {
        int[] ephemeral = ephemeralRange();
        var random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = random.nextInt(LOWEST, HIGHEST + 1);
            boolean ephemeralPort = port >= ephemeral[0] && port <= ephemeral[1];
            if (!ephemeralPort && HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + HIGHEST
                + " outside the ephemeral range " + ephemeral[0] + "-" + ephemeral[1]);
    }

    /** The ports outgoing connections are given: Linux's setting where there is one, else IANA's. */
    static int[] ephemeralRange() {
        // read as a stream: Files.readString trusts the size /proc reports and returns "3" of "32768 60999"
        try (var reader = Files.newBufferedReader(LINUX_EPHEMERAL_RANGE)) {
            String[] bounds = reader.readLine().trim().split("\\s+");
            return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {49_152, 65_535};
        }
    }

    private static boolean bindable(int port) {
        // the wildcard address: a server on any interface, loopback included, makes the bind fail
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
