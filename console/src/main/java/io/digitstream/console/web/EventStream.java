package io.digitstream.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitstream.console.models.ModelCatalog;
import io.digitstream.console.models.TimelineEntry;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events to every open page, all written from one timer thread: a {@code state} event
 * {@link #INTERVAL} apart (the server aggregates; however fast the pipeline runs, a page gets four
 * updates a second), a {@code models} event when the models page changes, and one {@code timeline}
 * event per entry with the entry's sequence as its event id, so a page that reconnects (its
 * browser sends {@code Last-Event-ID}) gets only the entries it missed.
 */
final class EventStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    static final Duration INTERVAL = Duration.ofMillis(250);

    private final Supplier<ConsoleState> state;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Queue<Subscriber> joining = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService timer;
    private long sentRevision = -1;
    private long sentSequence;
    private String modelsJson;

    private record Subscriber(SseClient client, long lastEventId) {}

    EventStream(Supplier<ConsoleState> state, ModelCatalog catalog, ObjectMapper json) {
        this.state = state;
        this.catalog = catalog;
        this.json = json;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "console-events");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::tick, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A page opened the stream; it gets everything on the next tick. */
    void subscribe(SseClient client) {
        client.keepAlive();
        long lastEventId = -1;
        String header = client.ctx().header("Last-Event-ID");
        if (header != null) {
            try {
                lastEventId = Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                // a header we did not write: start from the beginning
            }
        }
        var subscriber = new Subscriber(client, lastEventId);
        client.onClose(() -> {
            subscribers.remove(subscriber);
            joining.remove(subscriber);
        });
        joining.add(subscriber);
    }

    int subscribers() {
        return subscribers.size() + joining.size();
    }

    private void tick() {
        try {
            String stateJson = json.writeValueAsString(state.get());
            long revision = catalog.revision();
            boolean modelsChanged = revision != sentRevision;
            if (modelsChanged) {
                modelsJson = json.writeValueAsString(catalog.models());
                sentRevision = revision;
            }
            List<TimelineEntry> fresh = catalog.timelineAfter(sentSequence);
            for (Subscriber subscriber : subscribers) {
                if (modelsChanged) {
                    send(subscriber, "models", modelsJson, null);
                }
                for (TimelineEntry entry : fresh) {
                    send(subscriber, "timeline", json.writeValueAsString(entry), entry.sequence());
                }
                send(subscriber, "state", stateJson, null);
            }
            for (Subscriber subscriber; (subscriber = joining.poll()) != null; ) {
                send(subscriber, "models", modelsJson, null);
                for (TimelineEntry entry : catalog.timelineAfter(subscriber.lastEventId())) {
                    send(subscriber, "timeline", json.writeValueAsString(entry), entry.sequence());
                }
                send(subscriber, "state", stateJson, null);
                if (!subscriber.client().terminated()) {
                    subscribers.add(subscriber);
                }
            }
            if (!fresh.isEmpty()) {
                sentSequence = fresh.get(fresh.size() - 1).sequence();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // the timer must keep ticking whatever one tick met
            log.warn("Could not push the console's state: {}", e.toString());
        }
    }

    private void send(Subscriber subscriber, String event, String data, Long id) {
        SseClient client = subscriber.client();
        if (client.terminated()) {
            subscribers.remove(subscriber);
            return;
        }
        try {
            if (id == null) {
                client.sendEvent(event, data);
            } else {
                client.sendEvent(event, data, Long.toString(id));
            }
        } catch (RuntimeException e) {
            subscribers.remove(subscriber);
            client.close();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        subscribers.forEach(s -> s.client().close());
        joining.forEach(s -> s.client().close());
    }
}
