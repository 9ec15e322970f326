package io.digitstream.benchmarks.pipeline;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.console.Console;
import io.digitstream.console.ConsoleSettings;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.schemas.topic.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web console during a benchmark run, as a person would have it: started on the run's topics,
 * its check of the served model done, and a page subscribed to its event stream. Its lag is
 * sampled as the page shows it.
 */
final class AttachedConsole implements AutoCloseable {
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);

    private final Console console;
    private final CompletableFuture<?> page;
    private final AtomicLong pageUpdates = new AtomicLong();
    private final List<Long> lagSamples = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-console-sampler");
        thread.setDaemon(true);
        return thread;
    });

    private AttachedConsole(Console console) {
        this.console = console;
        var request = HttpRequest.newBuilder(URI.create(console.url() + "api/events"))
                .header("Accept", "text/event-stream")
                .build();
        this.page = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(line -> {
                    if (line.equals("event: state")) {
                        pageUpdates.incrementAndGet();
                    }
                }));
        sampler.scheduleAtFixedRate(
                () -> {
                    Long lag = console.state().live().consoleLagMs();
                    if (lag != null) {
                        lagSamples.add(lag);
                    }
                },
                0,
                SAMPLE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The console on these topics, once it has checked version 1 and a page is subscribed. */
    static AttachedConsole start(KafkaConnection cluster, TopicNames topics, PublicKey trusted) throws Exception {
        Console console = Console.start(
                ConsoleSettings.of(cluster, SnapshotTrust.requireSigned(TrustedKeys.of(trusted)), Holdout.fixture(300))
                        .withTopics(topics)
                        .withAddress("127.0.0.1", 0));
        console.catalog().firstConvolution(1).get(1, TimeUnit.MINUTES);
        var attached = new AttachedConsole(console);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (attached.pageUpdates.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return attached;
    }

    /** Waits (at most 30 s) until the console has read {@code predictions}, then stops sampling. */
    ConsoleSeen finish(int predictions) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (console.state().live().predictions() < predictions && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        long[] lags;
        synchronized (lagSamples) {
            lags = lagSamples.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        return new ConsoleSeen(lags, pageUpdates.get(), console.state().live().predictions());
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        page.cancel(true);
        console.close();
    }
}
