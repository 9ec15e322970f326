package io.digitstream.demo;

import io.digitstream.model.network.Nd4jTuning;
import io.digitstream.schemas.cli.DataOptions;
import io.digitstream.accuracy.AccuracyApp;
import io.digitstream.classifier.ClassifierApp;
import io.digitstream.producer.ProducerApp;
import io.digitstream.trainer.TrainerApp;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code digitstream}: with no subcommand, the whole pipeline with one command; with one, each part
 * on its own (the launcher the README, the Docker images and docker compose use).
 */
@Command(name = "digitstream", mixinStandardHelpOptions = true, showDefaultValues = true,
        subcommands = {BrokerCommand.class, TopicsCommand.class, TrainerApp.class, ClassifierApp.class, ProducerApp.class, AccuracyApp.class,
            BenchCommand.class},
        description = {"Without a subcommand: runs the whole pipeline (broker, trainer, classifier with hot swaps,",
                "MNIST replay, live accuracy). With one: runs that part against --bootstrap-servers."})
public final class DemoApp implements Callable<Integer> {
    static {
        Nd4jTuning.apply(); // before ND4J loads its natives
    }


    @Option(names = "--bootstrap-servers", defaultValue = "${env:DIGITSTREAM_BOOTSTRAP_SERVERS}",
            description = "Use this Kafka cluster instead of starting an embedded broker (env DIGITSTREAM_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--quick", description = "Use the committed 5,000-image fixture and a short run (about a minute).")
    boolean quick;

    @Option(names = "--images", defaultValue = "10000", description = "Test images to replay.")
    int images;

    @Option(names = "--rate", description = "Replay rate in images/s (default: 150, or 100 with --quick); 0 = as fast as possible.")
    Double rate;

    @Option(names = "--snapshot-every", description = "Publish a model every N training batches (default: 25, or 5 with --quick).")
    Integer snapshotEvery;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs the trainer runs while the demo lasts.")
    int epochs;

    @Option(names = "--max-batch", defaultValue = "64", description = "The classifier's micro-batch size.")
    int maxBatch;

    @Mixin

    DataOptions data;

    @Option(names = "--keep-serving", description = "After the summary, keep serving until Ctrl-C.")
    boolean keepServing;

    @Option(names = "--timeout-s", defaultValue = "600", description = "Give up if the replay is not fully predicted by then.")
    long timeoutS;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoApp()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        var settings = new DemoSettings(Optional.ofNullable(bootstrapServers).filter(s -> !s.isBlank()), quick, data.dataDir,
                Files.createTempDirectory("digitstream-demo-"), images, rate != null ? rate : quick ? 100 : 150,
                snapshotEvery != null ? snapshotEvery : quick ? 5 : 25, epochs, maxBatch, keepServing,
                Duration.ofSeconds(timeoutS), "");
        DemoSummary summary = new Demo(settings, System.out).run();
        return summary.everyImagePredicted() ? 0 : 1;
    }
}
