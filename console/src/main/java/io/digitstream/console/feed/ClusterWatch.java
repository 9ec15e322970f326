package io.digitstream.console.feed;

import io.digitstream.cluster.KafkaConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster every couple of seconds whether it answers, so the page can say when it does
 * not (a consumer alone only goes quiet) and when it is back.
 */
public final class ClusterWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration ANSWER_TIMEOUT = Duration.ofMillis(1_500);

    /**
     * @param reachable whether the last question got an answer
     * @param brokers   how many brokers the answer listed
     * @param since     when the cluster last became reachable or unreachable (epoch milliseconds)
     * @param problem   why the last question got no answer
     */
    public record Status(boolean reachable, int brokers, long since, long checkedAt, String problem) {}

    private final Admin admin;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private volatile Status status;

    public ClusterWatch(KafkaConnection cluster, LongSupplier clock) {
        this.clock = clock;
        this.admin = Admin.create(cluster.clientConfig(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "digitstream-console-watch",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ANSWER_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ANSWER_TIMEOUT.toMillis())));
        long now = clock.getAsLong();
        this.status = new Status(false, 0, now, now, "not asked yet");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "console-cluster-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    public ClusterWatch start() {
        timer.scheduleWithFixedDelay(this::check, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public Status status() {
        return status;
    }

    private void check() {
        Status previous = status;
        long now = clock.getAsLong();
        Status next;
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) ANSWER_TIMEOUT.toMillis()))
                    .nodes()
                    .get(ANSWER_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS)
                    .size();
            next = new Status(true, brokers, previous.reachable() ? previous.since() : now, now, null);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            String problem =
                    cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            next = new Status(false, 0, previous.reachable() ? now : previous.since(), now, problem);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            next = new Status(false, 0, previous.reachable() ? now : previous.since(), now, e.toString());
        }
        if (next.reachable() != previous.reachable()) {
            if (next.reachable()) {
                log.info("The Kafka cluster answers ({} brokers)", next.brokers());
            } else {
                log.warn("The Kafka cluster does not answer: {}", next.problem());
            }
        }
        status = next;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
