package io.digitstream.app.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker compose up --scale classifier-stream=3}, rehearsed without a Docker engine: the
 * repository's docker-compose.yml and Dockerfile, read as Compose and Docker read them, run as local
 * processes against an embedded broker standing in for the kafka service (see {@link ComposeRehearsal}
 * for what stands in for what). The README's Docker section says what this cannot cover.
 */
class ComposeRehearsalTest {
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final String CLASSIFIER = "classifier-stream";
    private static final String CONSOLE = "console";
    private static final int REPLICAS = 3;

    /** What a user may set in the shell for `docker compose up`; here, a quick run on the committed fixture. */
    private static final Map<String, String> SHELL = Map.of(
            "DIGITSTREAM_FIXTURE", "true",
            "DIGITSTREAM_RECIPE", "seed",
            "DIGITSTREAM_SNAPSHOT_EVERY", "10",
            "DIGITSTREAM_REPLAY_RATE", "100");

    @TempDir
    Path work;

    private EmbeddedKafka kafka;
    private ComposeFile compose;
    private ComposeRehearsal rehearsal;

    @BeforeEach
    void standUp() throws Exception {
        compose = ComposeFile.read(REPOSITORY.resolve("docker-compose.yml"), SHELL);
        kafka = EmbeddedKafka.onFreePort().start();
        Path volumes = Files.createDirectories(work.resolve("volumes"));
        rehearsal = new ComposeRehearsal(
                compose,
                DockerImage.read(REPOSITORY.resolve("Dockerfile")),
                work,
                Map.of("kafka:29092", kafka.bootstrapServers(), "localhost:29092", kafka.bootstrapServers()),
                Map.of(
                        "/data",
                                Files.createDirectories(volumes.resolve("mnist"))
                                        .toString(),
                        "/models",
                                Files.createDirectories(volumes.resolve("models"))
                                        .toString(),
                        "/keys",
                                Files.createDirectories(volumes.resolve("keys")).toString(),
                        // JavaCPP unpacks ND4J's natives once per machine, not once per container
                        "/home/digitstream/.javacpp",
                                Path.of(System.getProperty("user.home"), ".javacpp", "cache")
                                        .toString()));
    }

    @AfterEach
    void tearDown() {
        if (rehearsal != null) {
            rehearsal.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theImageIsTheLauncherAndKafkaIsTheClientsVersion() throws Exception {
        DockerImage image = DockerImage.read(REPOSITORY.resolve("Dockerfile"));

        assertThat(image.entrypoint()).containsExactly("digitstream");
        ComposeFile.Service kafkaService = compose.services().get("kafka");
        assertThat(kafkaService.image()).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(compose.services().values())
                .filteredOn(s -> !s.name().equals("kafka"))
                .allSatisfy(service ->
                        assertThat(service.built()).as(service.name()).isTrue());
    }

    @Test
    void aBashOnlyHealthcheckFailsAsUbuntusShWouldFailIt() throws Exception {
        // what this file's classifier healthcheck was before: /dev/tcp is bash's, dash has none
        var bashOnly = new ComposeFile.Healthcheck(
                List.of(
                        "CMD-SHELL",
                        "exec 3<>/dev/tcp/127.0.0.1/9400 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                1,
                Duration.ZERO);

        assertThat(rehearsal.healthcheck(bashOnly, Map.of(), Files.createDirectories(work.resolve("any"))))
                .isNotZero();
    }

    @Test
    void theStackStartsInOrderServesWithThreeClassifiersAndStopsWithinDockersTimeout() throws Exception {
        assertThat(healthcheck("kafka", Map.of()))
                .as("kafka's own healthcheck against the stand-in")
                .isZero();

        int consolePort = freePort();
        List<ComposeRehearsal.Replica> started = new ArrayList<>();
        Map<String, List<ComposeRehearsal.Replica>> byService = new HashMap<>();
        Set<String> done = new HashSet<>(Set.of("kafka"));
        while (done.size() < compose.services().size()) {
            for (ComposeFile.Service service : compose.services().values()) {
                if (done.contains(service.name())
                        || !done.containsAll(service.dependsOn().keySet())) {
                    continue;
                }
                for (var dependency : service.dependsOn().entrySet()) {
                    awaitCondition(dependency.getKey(), dependency.getValue(), byService);
                }
                int replicas = service.name().equals(CLASSIFIER) ? REPLICAS : 1;
                for (int index = 1; index <= replicas; index++) {
                    // replicas share this host, so each gets a port of its own; in Docker each has its own network
                    Map<String, String> extra = switch (service.name()) {
                        case CLASSIFIER -> Map.of("DIGITSTREAM_METRICS_PORT", Integer.toString(freePort()));
                        case CONSOLE -> Map.of("DIGITSTREAM_CONSOLE_PORT", Integer.toString(consolePort));
                        default -> Map.of();
                    };
                    var replica = rehearsal.start(service.name(), index, extra);
                    started.add(replica);
                    byService
                            .computeIfAbsent(service.name(), s -> new ArrayList<>())
                            .add(replica);
                }
                done.add(service.name());
            }
        }

        // predictions of the producer's endless replay flow, and more than one model version serves them
        Set<Long> versions = new HashSet<>();
        try (var predictions = reader()) {
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                for (var record : predictions.poll(Duration.ofMillis(500))) {
                    versions.add(record.value().modelVersion());
                }
                return versions.size() >= 2;
            });
        }
        // the accuracy service reports per version
        await().atMost(Duration.ofMinutes(1)).until(() -> recordsIn(TopicNames.DEFAULTS.accuracyOut()) > 0);
        // the console shows the stream: what serves, and the predictions it reads
        var http = java.net.http.HttpClient.newHttpClient();
        var state = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + consolePort + "/api/state"))
                .build();
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(() -> assertThat(http.send(state, java.net.http.HttpResponse.BodyHandlers.ofString())
                                .body())
                        .contains("\"servedVersion\":")
                        .doesNotContain("\"servedVersion\":null")
                        .contains("\"reachable\":true"));
        var consoleCheck = compose.services().get(CONSOLE).healthcheck();
        await().atMost(consoleCheck.interval().multipliedBy(consoleCheck.retries()))
                .pollInterval(consoleCheck.interval().dividedBy(5))
                .until(() -> rehearsal.healthcheck(byService.get(CONSOLE).get(0)) == 0);
        // three replicas share the partitions of digits-in
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                var group = admin.describeConsumerGroups(List.of("digitstream-classifier"))
                        .all()
                        .get()
                        .get("digitstream-classifier");
                assertThat(group.members())
                        .hasSize(REPLICAS)
                        .allSatisfy(member -> assertThat(member.assignment().topicPartitions())
                                .isNotEmpty());
            });
        }

        // each healthcheck passes against its running service, and fails once the service is stopped
        ComposeRehearsal.Replica first = byService.get(CLASSIFIER).get(0);
        var check = compose.services().get(CLASSIFIER).healthcheck();
        await().atMost(check.interval().multipliedBy(check.retries()))
                .pollInterval(check.interval().dividedBy(5))
                .until(() -> rehearsal.healthcheck(first) == 0);
        assertThat(rehearsal.stop(first))
                .as("stopped within " + ComposeRehearsal.STOP_TIMEOUT)
                .isTrue();
        assertThat(rehearsal.healthcheck(first)).isNotZero();

        // one-shot services ended well; the rest stop within Docker's timeout on SIGTERM
        for (ComposeRehearsal.Replica replica : started) {
            if (replica == first) {
                continue;
            }
            if (compose.services().get(replica.service()).oneShot()) {
                assertThat(replica.process().waitFor(3, java.util.concurrent.TimeUnit.MINUTES))
                        .isTrue();
                assertThat(replica.process().exitValue())
                        .as(replica.service() + " exit code; " + tail(replica))
                        .isZero();
            } else {
                assertThat(replica.process().isAlive())
                        .as(replica.service() + " is running; " + tail(replica))
                        .isTrue();
                assertThat(rehearsal.stop(replica))
                        .as(replica.service() + " stopped in time; " + tail(replica))
                        .isTrue();
            }
        }
    }

    /** Waits for a depends_on condition as Compose does. */
    private void awaitCondition(
            String dependency, String condition, Map<String, List<ComposeRehearsal.Replica>> byService) {
        if (dependency.equals("kafka")) {
            return; // the stand-in is up and its healthcheck passed
        }
        List<ComposeRehearsal.Replica> replicas = byService.get(dependency);
        switch (condition) {
            case "service_started" -> {}
            case "service_completed_successfully" ->
                await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
                    var process = replicas.get(0).process();
                    assertThat(process.isAlive())
                            .as(dependency + " still running")
                            .isFalse();
                    assertThat(process.exitValue())
                            .as(dependency + " exit code; " + tail(replicas.get(0)))
                            .isZero();
                });
            case "service_healthy" -> {
                var check = compose.services().get(dependency).healthcheck();
                await().atMost(check.startPeriod().plus(check.interval().multipliedBy(check.retries())))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> rehearsal.healthcheck(replicas.get(0)) == 0);
            }
            default -> throw new IllegalArgumentException("depends_on condition " + condition);
        }
    }

    private int healthcheck(String service, Map<String, String> extra) throws Exception {
        ComposeFile.Service definition = compose.services().get(service);
        Path container = Files.createDirectories(work.resolve("containers").resolve(service + "-check"));
        Map<String, String> environment = rehearsal.containerEnvironment(definition, container);
        environment.putAll(extra);
        return rehearsal.healthcheck(definition.healthcheck(), environment, container);
    }

    private KafkaConsumer<String, Prediction> reader() {
        var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(),
                MessageSerdes.prediction().deserializer());
        await().atMost(Duration.ofMinutes(1))
                .until(() -> !consumer.partitionsFor(TopicNames.DEFAULTS.predictionsOut())
                        .isEmpty());
        List<TopicPartition> partitions = consumer.partitionsFor(TopicNames.DEFAULTS.predictionsOut()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private long recordsIn(String topic) throws Exception {
        return io.digitstream.classifier.KafkaTestSupport.recordsIn(kafka.bootstrapServers(), topic);
    }

    private static String tail(ComposeRehearsal.Replica replica) {
        try {
            List<String> lines = Files.readAllLines(replica.log());
            return "log: " + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (java.io.IOException e) {
            return "no log";
        }
    }

    private static int freePort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
