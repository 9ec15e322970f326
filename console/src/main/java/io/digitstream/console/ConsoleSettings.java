package io.digitstream.console;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.topic.TopicNames;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the console needs to know.
 *
 * @param host         the interface the web server listens on ("0.0.0.0" = every one)
 * @param port         its port; 0 = any free port
 * @param trust        whose snapshots the console loads to score and show (it never loads any other)
 * @param holdout      the labelled images every version is scored on: the classifiers' by default,
 *                     so the figures compare with their gate's
 * @param drawTimeout  how long a drawing waits for its prediction or dead letter before the page
 *                     says that no answer came
 */
public record ConsoleSettings(
        KafkaConnection cluster,
        TopicNames topics,
        String modelName,
        SnapshotTrust trust,
        Holdout holdout,
        String host,
        int port,
        Duration drawTimeout) {
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final long DEFAULT_DRAW_TIMEOUT_SECONDS = 15;
    public static final Duration DEFAULT_DRAW_TIMEOUT = Duration.ofSeconds(DEFAULT_DRAW_TIMEOUT_SECONDS);

    public ConsoleSettings {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(holdout, "holdout");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(drawTimeout, "drawTimeout");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("the port must be 0..65535, not " + port);
        }
        if (drawTimeout.isNegative() || drawTimeout.isZero()) {
            throw new IllegalArgumentException("the draw timeout must be positive");
        }
    }

    /** The defaults for everything but the cluster, the trust and the holdout. */
    public static ConsoleSettings of(KafkaConnection cluster, SnapshotTrust trust, Holdout holdout) {
        return new ConsoleSettings(
                cluster,
                TopicNames.DEFAULTS,
                SnapshotHeader.DEFAULT_MODEL_NAME,
                trust,
                holdout,
                DEFAULT_HOST,
                DEFAULT_PORT,
                DEFAULT_DRAW_TIMEOUT);
    }

    public ConsoleSettings withTopics(TopicNames topics) {
        return new ConsoleSettings(cluster, topics, modelName, trust, holdout, host, port, drawTimeout);
    }

    public ConsoleSettings withModelName(String modelName) {
        return new ConsoleSettings(cluster, topics, modelName, trust, holdout, host, port, drawTimeout);
    }

    public ConsoleSettings withAddress(String host, int port) {
        return new ConsoleSettings(cluster, topics, modelName, trust, holdout, host, port, drawTimeout);
    }

    public ConsoleSettings withDrawTimeout(Duration drawTimeout) {
        return new ConsoleSettings(cluster, topics, modelName, trust, holdout, host, port, drawTimeout);
    }
}
