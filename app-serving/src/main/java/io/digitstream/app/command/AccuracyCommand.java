package io.digitstream.app.command;

import io.digitstream.accuracy.AccuracyBoard;
import io.digitstream.accuracy.AccuracyTopology;
import io.digitstream.cli.FlagChecks;
import io.digitstream.cli.KafkaOptions;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.StreamsDefaults;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicSpecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code accuracy run}: the accuracy application; {@code accuracy follow}: a live table of its reports. */
@Command(
        name = "accuracy",
        mixinStandardHelpOptions = true,
        subcommands = {AccuracyCommand.Run.class, AccuracyCommand.Follow.class},
        description = "Running accuracy per model version from labelled predictions.")
public final class AccuracyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "Scores predictions-out per model version into accuracy-out until SIGTERM.")
    static final class Run implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--application-id", defaultValue = AccuracyTopology.DEFAULT_APPLICATION_ID)
        String applicationId;

        @Option(
                names = "--window",
                defaultValue = "" + AccuracyTopology.DEFAULT_WINDOW,
                description = "Size of the last-N window.")
        int window;

        @Option(
                names = "--state-dir",
                defaultValue = "${sys:java.io.tmpdir}/digitstream-accuracy",
                description = "Kafka Streams state directory.")
        Path stateDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            FlagChecks.atLeast(spec, "--window", window, 1);
            KafkaConnection cluster = kafka.connection();
            try (Admin admin = Admin.create(cluster.clientConfig(Map.of()))) {
                TopicAdmin.ensureTopics(
                        admin, TopicSpecs.all(kafka.topics(), TopicLayout.DEFAULT), Duration.ofSeconds(30));
            }
            var props = AccuracyTopology.streamsProperties(cluster, applicationId, stateDir);
            try (var stop = StopSignal.install("accuracy")) {
                // not try-with-resources: KafkaStreams.close() without a timeout waits for ever
                var streams = new KafkaStreams(AccuracyTopology.build(kafka.topics(), window), props);
                try {
                    streams.start();
                    stop.await();
                } finally {
                    StreamsDefaults.closeLeavingGroup(streams, StopSignal.CLOSE_TIMEOUT);
                }
            }
            return 0;
        }
    }

    @Command(
            name = "follow",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "Prints a live table of accuracy-out: version, seen, correct, accuracy, throughput, latency.")
    static final class Follow implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--interval-ms", defaultValue = "1000")
        long intervalMs;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            FlagChecks.atLeast(spec, "--interval-ms", intervalMs, 1);
            var board = new AccuracyBoard();
            try (var consumer = new KafkaConsumer<>(
                    kafka.connection().clientConfig(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                    new StringDeserializer(),
                    MessageSerdes.accuracyReport().deserializer())) {
                List<TopicPartition> partitions =
                        consumer.partitionsFor(kafka.topics().accuracyOut(), Duration.ofSeconds(30)).stream()
                                .map(p -> new TopicPartition(p.topic(), p.partition()))
                                .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long nextDraw = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                    for (var record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() != null) {
                            board.update(record.value());
                        }
                    }
                    if (System.nanoTime() >= nextDraw) {
                        System.out.print("\033[H\033[2J" + board.render());
                        System.out.flush();
                        nextDraw = System.nanoTime() + intervalMs * 1_000_000;
                    }
                }
            }
            return 0;
        }
    }
}
