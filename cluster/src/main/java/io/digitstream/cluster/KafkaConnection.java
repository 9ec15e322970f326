package io.digitstream.cluster;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where the cluster is and how to talk to it: the bootstrap servers, and the user's further client
 * settings (a secured cluster's {@code security.protocol}, {@code sasl.*}, {@code ssl.*}), which
 * every client a command creates gets on top of its own.
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> clientSettings) {
    public KafkaConnection {
        clientSettings = Map.copyOf(clientSettings);
    }

    /** A plain connection: bootstrap servers only. */
    public static KafkaConnection to(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /** A client's configuration: its own settings, then the bootstrap servers, then the user's settings. */
    public Map<String, Object> clientConfig(Map<String, Object> own) {
        Map<String, Object> config = new HashMap<>(own);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(clientSettings);
        return config;
    }
}
