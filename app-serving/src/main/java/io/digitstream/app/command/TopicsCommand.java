package io.digitstream.app.command;

import io.digitstream.cli.FlagChecks;
import io.digitstream.cli.KafkaOptions;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code digitstream topics}: creates the five topics with the configs the contract relies on, then exits. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Creates any missing digitstream topic (existing ones are left alone).")
public final class TopicsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--partitions",
            defaultValue = "${env:DIGITSTREAM_PARTITIONS:-" + TopicSpecs.DEFAULT_PARTITIONS + "}",
            description = "Partitions of digits-in, predictions-out and digits-dlq (env DIGITSTREAM_PARTITIONS).")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "${env:DIGITSTREAM_REPLICATION_FACTOR}",
            description =
                    "Replicas of every partition (env DIGITSTREAM_REPLICATION_FACTOR; default: the broker's default).")
    Short replication;

    @Option(
            names = "--min-insync-replicas",
            defaultValue = "${env:DIGITSTREAM_MIN_INSYNC_REPLICAS}",
            description =
                    "Replicas that must have a write before it is acknowledged (env DIGITSTREAM_MIN_INSYNC_REPLICAS;"
                            + " default: the broker's default).")
    Integer minInsyncReplicas;

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout-s", defaultValue = "60", description = "How long to wait for the cluster.")
    long timeoutS;

    TopicLayout layout() {
        try {
            return new TopicLayout(
                    partitions, Optional.ofNullable(replication), Optional.ofNullable(minInsyncReplicas));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        // the user's mistakes, said before any client exists
        TopicLayout layout = layout();
        FlagChecks.atLeast(spec, "--timeout-s", timeoutS, 1);
        try (Admin admin = Admin.create(kafka.connection().clientConfig(Map.of()))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(kafka.topics(), layout), Duration.ofSeconds(timeoutS));
        }
        System.out.println("Topics ready: " + String.join(", ", kafka.topics().all()));
        return 0;
    }
}
