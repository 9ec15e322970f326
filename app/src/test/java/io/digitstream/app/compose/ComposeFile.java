package io.digitstream.app.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * A docker-compose.yml as Compose reads it: YAML with anchors and merge keys (SnakeYAML resolves
 * both), then {@code ${VAR}}, {@code ${VAR:-default}} and {@code $$} interpolated from the given
 * environment, then each service's command, environment, dependencies and healthcheck.
 */
record ComposeFile(Map<String, Service> services) {

    /** One service, with what the rehearsal needs of it. */
    record Service(
            String name,
            String image,
            boolean built,
            List<String> command,
            Map<String, String> environment,
            Map<String, String> dependsOn,
            Healthcheck healthcheck,
            List<String> ports,
            String restart) {

        /** A job that runs to its end (restart "no"), as opposed to a service that runs until stopped. */
        boolean oneShot() {
            return "no".equals(restart);
        }
    }

    /**
     * @param test     {@code ["CMD", ...]} (run as is) or {@code ["CMD-SHELL", "..."]} (run by {@code /bin/sh -c})
     */
    record Healthcheck(List<String> test, Duration interval, Duration timeout, int retries, Duration startPeriod) {}

    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?}");

    static ComposeFile read(Path file, Map<String, String> shellEnvironment) throws IOException {
        Map<String, Object> root = new Yaml().load(Files.readString(file));
        @SuppressWarnings("unchecked")
        var services = (Map<String, Map<String, Object>>) root.get("services");
        Map<String, Service> read = new LinkedHashMap<>();
        services.forEach((name, body) -> read.put(name, service(name, body, shellEnvironment)));
        return new ComposeFile(read);
    }

    /** Compose's variable interpolation: {@code ${VAR:-default}} (unset or empty), {@code ${VAR-default}} (unset). */
    static String interpolate(String value, Map<String, String> environment) {
        Matcher matcher = VARIABLE.matcher(value);
        var out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group().equals("$$")) {
                replacement = "$";
            } else {
                String set = environment.get(matcher.group(1));
                String operator = matcher.group(2);
                boolean useDefault =
                        operator == null ? false : operator.equals(":-") ? set == null || set.isEmpty() : set == null;
                replacement = useDefault ? matcher.group(3) : set == null ? "" : set;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Service service(String name, Map<String, Object> body, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        if (body.get("command") instanceof List<?> list) {
            list.forEach(part -> command.add(interpolate(String.valueOf(part), env)));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        if (body.get("environment") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> environment.put(String.valueOf(k), interpolate(String.valueOf(v), env)));
        }
        Map<String, String> dependsOn = new LinkedHashMap<>();
        if (body.get("depends_on") instanceof Map<?, ?> map) {
            map.forEach((k, v) ->
                    dependsOn.put(String.valueOf(k), String.valueOf(((Map<String, Object>) v).get("condition"))));
        }
        Healthcheck healthcheck = null;
        if (body.get("healthcheck") instanceof Map<?, ?> map) {
            List<String> test = new ArrayList<>();
            ((List<Object>) map.get("test")).forEach(part -> test.add(interpolate(String.valueOf(part), env)));
            healthcheck = new Healthcheck(
                    test,
                    duration(map.get("interval"), "30s"),
                    duration(map.get("timeout"), "30s"),
                    map.get("retries") == null ? 3 : ((Number) map.get("retries")).intValue(),
                    duration(map.get("start_period"), "0s"));
        }
        List<String> ports = new ArrayList<>();
        if (body.get("ports") instanceof List<?> list) {
            list.forEach(port -> ports.add(String.valueOf(port)));
        }
        return new Service(
                name,
                body.get("image") == null ? null : interpolate(String.valueOf(body.get("image")), env),
                body.get("build") != null,
                command,
                environment,
                dependsOn,
                healthcheck,
                ports,
                body.get("restart") == null ? "no" : String.valueOf(body.get("restart")));
    }

    /** Compose durations as this file uses them: {@code 5s}, {@code 60s}, {@code 1m}. */
    private static Duration duration(Object value, String orElse) {
        String text = value == null ? orElse : String.valueOf(value);
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> throw new IllegalArgumentException("duration " + text);
        };
    }
}
