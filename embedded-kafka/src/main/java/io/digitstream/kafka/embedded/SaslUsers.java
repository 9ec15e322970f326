package io.digitstream.kafka.embedded;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The principals of a secured embedded broker, each with its password: SASL/SCRAM-SHA-512 on the
 * client listener, ACLs by Kafka's StandardAuthorizer, and {@value #ADMIN} the one super user
 * (the broker's own identity between listeners, and whoever creates topics and ACLs).
 */
public record SaslUsers(Map<String, String> passwords) {
    public static final String ADMIN = "admin";
    public static final String MECHANISM = "SCRAM-SHA-512";

    public SaslUsers {
        passwords = Map.copyOf(passwords);
        if (!passwords.containsKey(ADMIN)) {
            throw new IllegalArgumentException("the users need an " + ADMIN);
        }
    }

    /** {@value #ADMIN} with this password, and the other users. */
    public static SaslUsers of(String adminPassword, Map<String, String> others) {
        Map<String, String> all = new LinkedHashMap<>(others);
        all.put(ADMIN, Objects.requireNonNull(adminPassword, "adminPassword"));
        return new SaslUsers(all);
    }

    /** What a client needs to connect as {@code user}: put on top of its own settings. */
    public Map<String, String> clientSettings(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no user " + user);
        }
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                MECHANISM,
                "sasl.jaas.config",
                scramJaas(user, password));
    }

    static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }
}
