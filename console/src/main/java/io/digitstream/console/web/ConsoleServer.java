package io.digitstream.console.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitstream.console.draw.Drawings;
import io.digitstream.console.models.ModelCatalog;
import io.digitstream.schemas.message.Json;
import io.digitstream.schemas.topic.TopicSpecs;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.plugin.bundled.RateLimitPlugin;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The console's web server: the page and its scripts (the charting library from its WebJar: no
 * CDN, it works offline), the event stream, the drawing endpoint, a snapshot of everything for
 * scripts, and a health check.
 *
 * <pre>
 *   GET  /             the page
 *   GET  /api/events   Server-Sent Events: state (4 a second), models (on change), timeline (with ids)
 *   GET  /api/state    the same as one JSON document: {state, models, timeline}
 *   POST /api/draw     a PNG or JPEG body from the console's own page ({@link DrawRequests}: same
 *                      origin, image content type, a rate per client); answers with the drawing's
 *                      outcome (status PREDICTED, DEAD_LETTER, NO_ANSWER or NOT_SENT) once it is known
 *   GET  /health       200 while the console runs (whether or not the cluster answers: the page says that)
 * </pre>
 */
public final class ConsoleServer implements AutoCloseable {
    private final Javalin app;
    private final EventStream events;

    public ConsoleServer(String host, int port, Supplier<ConsoleState> state, ModelCatalog catalog, Drawings drawings) {
        ObjectMapper json = Json.MAPPER;
        this.events = new EventStream(state, catalog, json);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jsonMapper(new JavalinJackson(json, false));
            // an event stream must reach the page as it is written, never held back by a compressor
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.http.maxRequestSize = TopicSpecs.MAX_ENCODED_IMAGE_BYTES + 1;
            config.staticFiles.add("/public", Location.CLASSPATH);
            config.staticFiles.enableWebjars();
            config.routes.sse("/api/events", events::subscribe);
            config.routes.get(
                    "/api/state",
                    ctx -> ctx.json(Map.of(
                            "state", state.get(), "models", catalog.models(), "timeline", catalog.timelineAfter(-1))));
            config.registerPlugin(new RateLimitPlugin());
            config.routes.post("/api/draw", ctx -> {
                DrawRequests.refusal(ctx.header(Header.ORIGIN), ctx.header(Header.HOST), ctx.contentType())
                        .ifPresent(refusal -> {
                            throw new HttpResponseException(refusal.status(), refusal.reason());
                        });
                // per client address: a script may not turn the page into a flood of digits-in
                ctx.with(RateLimitPlugin.class).requestPerTimeUnit(DrawRequests.PER_MINUTE, TimeUnit.MINUTES);
                ctx.future(() -> drawings.submit(ctx.bodyAsBytes()).thenAccept(ctx::json));
            });
            config.routes.get("/health", ctx -> ctx.result("UP"));
        });
        app.start();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        events.close();
        app.stop();
    }
}
