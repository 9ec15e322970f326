package io.digitstream.console;

import io.digitstream.console.draw.Drawings;
import io.digitstream.console.feed.ClusterWatch;
import io.digitstream.console.feed.FeedListener;
import io.digitstream.console.feed.PredictionFacts;
import io.digitstream.console.feed.TopicFeed;
import io.digitstream.console.live.LiveStats;
import io.digitstream.console.models.ModelCatalog;
import io.digitstream.console.web.ConsoleServer;
import io.digitstream.console.web.ConsoleState;
import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.message.Prediction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live web console: one reader of the topics feeding the live statistics, the model catalog
 * and the drawings, and a web server showing them. It reads only topics (and writes drawings to
 * digits-in like any producer), so it shows the same whether one classifier instance runs or ten,
 * and starts and stops without them.
 */
public final class Console implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Console.class);

    private final ConsoleSettings settings;
    private final ModelCatalog catalog;
    private final LiveStats live;
    private final Drawings drawings;
    private final ClusterWatch watch;
    private final TopicFeed feed;
    private final ConsoleServer server;

    private Console(ConsoleSettings settings) {
        LongSupplier clock = System::currentTimeMillis;
        this.settings = settings;
        this.catalog = new ModelCatalog(settings.modelName(), settings.trust(), settings.holdout());
        this.live = new LiveStats(catalog::firstPrediction);
        this.drawings = new Drawings(settings.cluster(), settings.topics(), catalog, settings.drawTimeout(), clock);
        this.watch = new ClusterWatch(settings.cluster(), clock).start();
        this.feed = new TopicFeed(settings.cluster(), settings.topics(), new Dispatch(), clock, Drawings::isDrawing)
                .start();
        this.server = new ConsoleServer(settings.host(), settings.port(), this::state, catalog, drawings);
        log.info("Console on port {}, following model '{}'", server.port(), settings.modelName());
    }

    /** Starts the console; its page is served once this returns. */
    public static Console start(ConsoleSettings settings) {
        return new Console(settings);
    }

    public int port() {
        return server.port();
    }

    /** The page's address on this machine. */
    public String url() {
        return "http://localhost:" + port() + "/";
    }

    public ConsoleState state() {
        long now = System.currentTimeMillis();
        return new ConsoleState(
                now,
                settings.modelName(),
                watch.status(),
                feed.caughtUp(),
                feed.unreadable(),
                drawings.waiting(),
                live.view(now));
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /** Hands each record to the parts that show it. */
    private final class Dispatch implements FeedListener {
        @Override
        public void prediction(PredictionFacts prediction, long recordTimestamp, long readAt) {
            live.prediction(prediction, recordTimestamp, readAt);
        }

        @Override
        public void wholePrediction(Prediction prediction, long readAt) {
            drawings.wholePrediction(prediction, readAt);
        }

        @Override
        public void deadLetter(String key, String code, String message, long recordTimestamp, long readAt) {
            live.deadLetter(code, recordTimestamp, readAt);
            drawings.deadLetter(key, code, message, recordTimestamp, readAt);
        }

        @Override
        public void snapshot(String key, byte[] envelope, long recordTimestamp) {
            catalog.snapshot(key, envelope, recordTimestamp);
        }

        @Override
        public void decision(ModelDecision decision) {
            catalog.decision(decision);
        }

        @Override
        public void accuracy(AccuracyReport report) {
            catalog.accuracy(report);
        }
    }

    /** Stops serving and reading, each part within a bounded time. */
    @Override
    public void close() {
        server.close();
        feed.close();
        drawings.close();
        watch.close();
        catalog.close();
    }
}
