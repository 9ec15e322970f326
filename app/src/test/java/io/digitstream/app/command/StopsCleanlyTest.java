package io.digitstream.app.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.app.LauncherProcess;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.kafka.embedded.FreePorts;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.testing.BrokerTest;
import io.digitstream.testing.KafkaTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM ({@code docker compose down}, Ctrl-C) ends every long-running part within Docker's stop
 * timeout, even when its broker went away first: the order {@code docker compose down} can stop
 * things in, and what a cluster outage looks like from a part.
 */
@BrokerTest
class StopsCleanlyTest {
    /** Docker's default time between SIGTERM and SIGKILL. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path work;

    private EmbeddedKafka kafka;

    @BeforeEach
    void startBroker() {
        kafka = EmbeddedKafka.onFreePort().start();
        KafkaTestSupport.createTopics(kafka, TopicNames.DEFAULTS);
    }

    @AfterEach
    void stopBroker() {
        kafka.close();
    }

    @Test
    void theClassifierStopsInTimeWithItsBrokerGone() throws Exception {
        int port = FreePorts.next();
        assertStopsInTime(
                () -> waitingForAModel(port),
                "classifier",
                "--allow-unsigned", // no model comes: this is about stopping
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--metrics-port",
                Integer.toString(port),
                "--state-dir",
                work.resolve("state").toString(),
                "--startup-timeout-s",
                "60");
    }

    @Test
    void theClassifierStopsInTimeDuringItsWarmUpAndDeletesWhatItMade() throws Exception {
        String warmUp = "digitstream-classifier-warm-up-stopped-mid-warm-up";
        assertStopsInTime(
                () -> topicsStartingWith(warmUp).size() >= 3,
                false,
                "classifier",
                "--allow-unsigned",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--instance-id",
                "stopped mid warm-up",
                "--warm-up-images",
                "100000000", // more than a minute's worth: it is still warming up when stopped
                "--metrics-port",
                "-1",
                "--state-dir",
                work.resolve("state").toString());

        assertThat(topicsStartingWith(warmUp)).isEmpty();
    }

    @Test
    void theAccuracyApplicationStopsInTimeWithItsBrokerGone() throws Exception {
        assertStopsInTime(
                () -> groupIsStable("digitstream-accuracy"),
                "accuracy",
                "run",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--state-dir",
                work.resolve("accuracy").toString());
    }

    @Test
    void anEndlessReplayStopsInTimeWithItsBrokerGone() throws Exception {
        assertStopsInTime(
                () -> KafkaTestSupport.recordsIn(kafka.bootstrapServers(), TopicNames.DEFAULTS.digitsIn()) > 0,
                "producer",
                "replay",
                "--fixture",
                "--loop",
                "--rate",
                "200",
                "--bootstrap-servers",
                kafka.bootstrapServers());
    }

    private void assertStopsInTime(Callable<Boolean> ready, String... args) throws Exception {
        assertStopsInTime(ready, true, args);
    }

    private void assertStopsInTime(Callable<Boolean> ready, boolean brokerGone, String... args) throws Exception {
        Path log = work.resolve(args[0] + ".log");
        Process process = LauncherProcess.start(log, args);
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        assertThat(process.isAlive())
                                .as(LauncherProcess.tail(log))
                                .isTrue();
                        return ready.call();
                    });
            if (brokerGone) {
                kafka.stop();
            }

            long started = System.nanoTime();
            process.destroy(); // SIGTERM
            boolean exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(exited)
                    .as("exited within %s of SIGTERM; log:%n%s", STOP_TIMEOUT, LauncherProcess.tail(log))
                    .isTrue();
            assertThat(Files.readString(log)).as("says it stopped").contains(args[0] + ": stopped in");
            System.out.printf(
                    "%s stopped %d ms after SIGTERM%s%n",
                    String.join(" ", List.of(args).subList(0, 2)), millis, brokerGone ? " with its broker gone" : "");
        } finally {
            process.destroyForcibly();
        }
    }

    /** Running, and not ready: a classifier reports healthy only once a model serves. */
    private static boolean waitingForAModel(int port) {
        try {
            var response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 503 && response.body().contains("no model serves yet");
        } catch (Exception e) {
            return false;
        }
    }

    private List<String> topicsStartingWith(String prefix) throws Exception {
        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return admin.listTopics().names().get().stream()
                    .filter(name -> name.startsWith(prefix))
                    .toList();
        }
    }

    private boolean groupIsStable(String group) throws Exception {
        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var description =
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return description.groupState() == GroupState.STABLE && !new ArrayList<>(description.members()).isEmpty();
        } catch (java.util.concurrent.ExecutionException e) {
            return false; // not there yet
        }
    }
}
