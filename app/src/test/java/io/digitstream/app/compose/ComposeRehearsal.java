package io.digitstream.app.compose;

import io.digitstream.app.Digitstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a compose file's services as Docker would, without Docker: each replica a process started
 * with the image's ENTRYPOINT and the service's command, the image's and the service's environment,
 * and each healthcheck run as Docker runs it ({@code CMD} as an exec, {@code CMD-SHELL} through
 * {@code /bin/sh -c}, which is dash in Debian and Ubuntu images and here).
 *
 * <p>What stands in for a container: {@code digitstream} on the PATH is the launcher on this test's
 * classpath (the image's {@code /usr/local/bin/digitstream}); the image's directories and volumes
 * are folders under the work directory (a named volume is shared by the services that mount it, a
 * container's own directories are its own); addresses inside the compose network are rewritten to
 * where their stand-ins listen; and {@code /opt/kafka/bin/kafka-broker-api-versions.sh} (the
 * apache/kafka image's) runs Kafka's own {@code BrokerApiVersionsCommand}, from the same release.
 */
final class ComposeRehearsal implements AutoCloseable {
    /** Docker's default time between SIGTERM and SIGKILL ({@code docker compose down}, {@code stop_grace_period}). */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final ComposeFile compose;
    private final DockerImage image;
    private final Path work;
    private final Path bin;
    private final Path fakeRoot;
    private final Map<String, String> addresses;
    private final Map<String, String> sharedPaths;
    /** The image's own directories (absolute paths in its ENV that no volume covers): each container has its own. */
    private final List<String> containerPaths;

    private final List<Replica> running = new ArrayList<>();

    /** A started replica of a service. */
    record Replica(String service, int index, Process process, Map<String, String> environment, Path log) {}

    /**
     * @param addresses   compose-network address to the address of its stand-in (e.g. {@code kafka:29092})
     * @param sharedPaths container path to the host folder every container sees there (volumes, caches)
     */
    ComposeRehearsal(
            ComposeFile compose,
            DockerImage image,
            Path work,
            Map<String, String> addresses,
            Map<String, String> sharedPaths)
            throws IOException {
        this.compose = compose;
        this.image = image;
        this.work = work;
        this.addresses = Map.copyOf(addresses);
        this.sharedPaths = Map.copyOf(sharedPaths);
        this.containerPaths = image.environment().values().stream()
                .filter(value -> value.matches("/[\\w/.-]+"))
                .filter(value -> !sharedPaths.containsKey(value))
                .distinct()
                .toList();
        this.bin = Files.createDirectories(work.resolve("bin"));
        this.fakeRoot = Files.createDirectories(work.resolve("root"));
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        executable(bin.resolve("digitstream"), java, classpath, Digitstream.class.getName());
        executable(
                Files.createDirectories(fakeRoot.resolve("opt/kafka/bin")).resolve("kafka-broker-api-versions.sh"),
                java,
                classpath,
                "org.apache.kafka.tools.BrokerApiVersionsCommand");
    }

    private static void executable(Path script, String java, String classpath, String mainClass) throws IOException {
        Files.writeString(
                script,
                "#!/bin/sh\n# shellcheck disable=SC2086\nexec " + java + " ${JAVA_OPTS:-} -cp " + classpath + " "
                        + mainClass + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Starts replica {@code index} of {@code service}: ENTRYPOINT + command, image then service
     * environment, then {@code extra} (what only a rehearsal needs, such as a port of its own).
     */
    Replica start(String service, int index, Map<String, String> extra) throws IOException {
        ComposeFile.Service definition = compose.services().get(service);
        Path container = Files.createDirectories(work.resolve("containers").resolve(service + "-" + index));
        Map<String, String> environment = containerEnvironment(definition, container);
        environment.putAll(extra);
        List<String> command = new ArrayList<>(image.entrypoint());
        definition.command().forEach(part -> command.add(rewrite(part, container)));
        Path log = work.resolve("logs").resolve(service + "-" + index + ".log");
        Files.createDirectories(log.getParent());
        var builder = new ProcessBuilder(onPath(command))
                .directory(container.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        var replica = new Replica(service, index, builder.start(), environment, log);
        running.add(replica);
        return replica;
    }

    /** The environment a container of this service starts with: the image's ENV, then the service's. */
    Map<String, String> containerEnvironment(ComposeFile.Service service, Path container) {
        Map<String, String> environment = new LinkedHashMap<>();
        image.environment().forEach((k, v) -> environment.put(k, rewrite(v, container)));
        service.environment().forEach((k, v) -> environment.put(k, rewrite(v, container)));
        environment.put("HOME", container.toString());
        return environment;
    }

    /** Runs a healthcheck's test as Docker does, in the container's environment; its exit code (timeout = 1). */
    int healthcheck(ComposeFile.Healthcheck check, Map<String, String> environment, Path container)
            throws IOException, InterruptedException {
        List<String> command = switch (check.test().get(0)) {
            case "CMD" ->
                check.test().subList(1, check.test().size()).stream()
                        .map(part -> rewrite(part, container))
                        .toList();
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", rewrite(check.test().get(1), container));
            default -> throw new IllegalArgumentException("healthcheck test " + check.test());
        };
        var builder = new ProcessBuilder(onPath(command))
                .directory(container.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        if (!process.waitFor(check.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return 1;
        }
        return process.exitValue();
    }

    int healthcheck(Replica replica) throws IOException, InterruptedException {
        return healthcheck(
                compose.services().get(replica.service()).healthcheck(),
                replica.environment(),
                work.resolve("containers").resolve(replica.service() + "-" + replica.index()));
    }

    /** SIGTERM, as {@code docker compose stop} sends; whether it exited within Docker's stop timeout. */
    boolean stop(Replica replica) throws InterruptedException {
        replica.process().destroy();
        boolean exited = replica.process().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            replica.process().destroyForcibly();
        }
        return exited;
    }

    /**
     * The command with its program found on the container's PATH (the image's bin first): Java
     * looks a program up on this process's PATH, not the child's.
     */
    private List<String> onPath(List<String> command) {
        Path inImage = bin.resolve(command.get(0));
        if (command.get(0).contains("/") || !Files.isExecutable(inImage)) {
            return command;
        }
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, inImage.toString());
        return resolved;
    }

    /** Addresses of the compose network to their stand-ins; container paths to their folders. */
    private String rewrite(String value, Path container) {
        String result = value;
        for (var address : addresses.entrySet()) {
            result = result.replace(address.getKey(), address.getValue());
        }
        result = result.replace("/opt/kafka/", fakeRoot.resolve("opt/kafka") + "/");
        for (var path : sharedPaths.entrySet()) {
            result = result.replaceAll(
                    "(?<![\\w/.-])" + java.util.regex.Pattern.quote(path.getKey()) + "(?![\\w.-])",
                    java.util.regex.Matcher.quoteReplacement(path.getValue()));
        }
        for (String own : containerPaths) {
            result = result.replaceAll(
                    "(?<![\\w/.-])" + own + "(?![\\w.-])",
                    java.util.regex.Matcher.quoteReplacement(
                            container.resolve(own.substring(1)).toString()));
        }
        return result;
    }

    @Override
    public void close() {
        for (Replica replica : running) {
            replica.process().destroyForcibly();
        }
    }
}
