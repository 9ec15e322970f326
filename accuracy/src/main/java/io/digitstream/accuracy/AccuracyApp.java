package io.digitstream.accuracy;

import io.digitstream.schemas.cli.KafkaConnection;
import io.digitstream.schemas.cli.KafkaOptions;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.topic.TopicAdmin;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code accuracy run}: the accuracy application; {@code accuracy follow}: a live table of its reports. */
@Command(name = "accuracy", mixinStandardHelpOptions = true, subcommands = {AccuracyApp.Run.class, AccuracyApp.Follow.class},
        description = "Running accuracy per model version from labelled predictions.")
public final class AccuracyApp implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new AccuracyApp()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "run", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Scores predictions-out per model version into accuracy-out until SIGTERM.")
    static final class Run implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--application-id", defaultValue = AccuracyTopology.DEFAULT_APPLICATION_ID)
        String applicationId;

        @Option(names = "--window", defaultValue = "" + AccuracyTopology.DEFAULT_WINDOW,
                description = "Size of the last-N window.")
        int window;

        @Option(names = "--state-dir", defaultValue = "${sys:java.io.tmpdir}/digitstream-accuracy")
        String stateDir;

        @Override
        public Integer call() throws Exception {
            KafkaConnection cluster = kafka.connection();
            try (Admin admin = Admin.create(cluster.clientConfig(Map.of()))) {
                TopicAdmin.ensureTopics(admin, TopicSpecs.all(kafka.topics(), TopicSpecs.DEFAULT_PARTITIONS, Optional.empty()),
                        Duration.ofSeconds(30));
            }
            var props = AccuracyTopology.streamsProperties(cluster.bootstrapServers(), applicationId, stateDir);
            props.putAll(cluster.clientSettings());
            var streams = new KafkaStreams(AccuracyTopology.build(kafka.topics(), window), props);
            var done = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                streams.close(Duration.ofSeconds(30));
                done.countDown();
            }, "accuracy-shutdown"));
            streams.start();
            done.await();
            return 0;
        }
    }

    @Command(name = "follow", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Prints a live table of accuracy-out: version, seen, correct, accuracy, throughput, latency.")
    static final class Follow implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--interval-ms", defaultValue = "1000")
        long intervalMs;

        @Override
        public Integer call() {
            var board = new AccuracyBoard();
            try (var consumer = new KafkaConsumer<>(kafka.connection().clientConfig(Map.of(
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)), new StringDeserializer(),
                    MessageSerdes.accuracyReport().deserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(kafka.topics().accuracyOut(), Duration.ofSeconds(30))
                        .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
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
