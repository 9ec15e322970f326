package io.digitstream.app.training;

import io.digitstream.app.command.AccuracyFloorOption;
import io.digitstream.app.command.PublishCheck;
import io.digitstream.cli.DataOptions;
import io.digitstream.cli.KafkaOptions;
import io.digitstream.cli.ModelNameOptions;
import io.digitstream.cli.SigningKeyOptions;
import io.digitstream.cli.Terminals;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.publish.SnapshotPublisher;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrustedKeys;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trainer}: trains the reference CNN and publishes versioned snapshots; {@code trainer publish FILE} republishes one. */
@Command(
        name = "trainer",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        subcommands = TrainerCommand.Publish.class,
        description = "Trains the reference CNN on MNIST, evaluates it, and publishes snapshots to model-snapshots.")
public final class TrainerCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--recipe",
            defaultValue = "${env:DIGITSTREAM_RECIPE:-default}",
            description = "seed (the reference exactly: 2 epochs) or default (" + Recipe.DEFAULT_EPOCHS
                    + " epochs, decay, varied pose, pen, resolution and style) (env DIGITSTREAM_RECIPE).")
    String recipe;

    @Option(names = "--epochs", description = "Override the recipe's number of epochs.")
    Integer epochs;

    @Mixin
    ModelNameOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    SigningKeyOptions signing;

    @Option(
            names = "--fixture",
            defaultValue = "${env:DIGITSTREAM_FIXTURE:-false}",
            description =
                    "Train on the small committed fixture (4,000 + 1,000 images) instead of MNIST (env DIGITSTREAM_FIXTURE).")
    boolean fixture;

    @Option(names = "--train-limit", description = "Train on the first N training images only.")
    Integer trainLimit;

    @Option(
            names = "--snapshot-every",
            defaultValue = "0",
            description = "Also publish a snapshot every N batches (0 = once per epoch).")
    int snapshotEvery;

    @Option(
            names = "--eval-limit",
            defaultValue = "2000",
            description = "Test images used to evaluate mid-epoch snapshots (epoch ends use the whole test set).")
    int evalLimit;

    @Option(
            names = "--output-dir",
            defaultValue = "${env:DIGITSTREAM_MODEL_DIR:-models}",
            description = "Where snapshot files and evaluations are written (env DIGITSTREAM_MODEL_DIR).")
    Path outputDir;

    @Option(names = "--no-publish", description = "Train and write files only; no Kafka.")
    boolean noPublish;

    @Option(names = "--timeout-s", defaultValue = "30", description = "How long to wait for the Kafka cluster.")
    long timeoutS;

    @Spec
    CommandSpec spec;

    /** The recipe the flags ask for, or a command-line error saying what is wrong with them. */
    private Recipe recipe() {
        Recipe chosen;
        try {
            chosen = Recipe.named(recipe);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--recipe: " + e.getMessage());
        }
        requirePositive("--epochs", epochs);
        requirePositive("--train-limit", trainLimit);
        requirePositive("--eval-limit", evalLimit);
        if (snapshotEvery < 0) {
            throw new ParameterException(spec.commandLine(), "--snapshot-every: " + snapshotEvery + " is negative");
        }
        return epochs == null ? chosen : chosen.withEpochs(epochs);
    }

    private void requirePositive(String flag, Integer value) {
        if (value != null && value < 1) {
            throw new ParameterException(spec.commandLine(), flag + ": " + value + " is not a positive number");
        }
    }

    @Override
    public Integer call() {
        // every mistake in the flags first: before MNIST is fetched or the cluster asked
        Recipe chosen = recipe();
        Optional<SigningKey> key = signing.key();
        MnistDataset train;
        MnistDataset test;
        if (fixture) {
            train = MnistFixture.train();
            test = MnistFixture.test();
        } else {
            var store = MnistStore.withDefaults(data.dataDir());
            train = store.train();
            test = store.test();
        }
        if (trainLimit != null) {
            train = train.slice(0, Math.min(trainLimit, train.size()));
        }
        Optional<SnapshotPublisher> publisher = noPublish
                ? Optional.empty()
                : Optional.of(new SnapshotPublisher(kafka.connection(), kafka.topics(), Duration.ofSeconds(timeoutS)));
        try {
            var run = new TrainingRun(chosen, model.modelName(), snapshotEvery, evalLimit, outputDir, publisher, key);
            run.run(
                    train,
                    test,
                    new TrainingProgressBar(
                            System.err, chosen.epochs(), chosen.batchSize(), Terminals.standardOutputIsTerminal()),
                    published -> {
                        SnapshotHeader h = published.snapshot().header();
                        System.out.printf(
                                Locale.ROOT,
                                "%s v%d after %.2f epochs: test accuracy %.2f %% on %d images -> %s%s%n",
                                h.modelName(),
                                h.version(),
                                h.training().epochs(),
                                100 * published.evaluation().accuracy(),
                                published.evaluation().examples(),
                                published.file(),
                                noPublish ? "" : " (published)");
                    });
            var last = run.published().get(run.published().size() - 1);
            System.out.println();
            System.out.print(last.evaluation().table());
            return 0;
        } finally {
            publisher.ifPresent(SnapshotPublisher::close);
        }
    }

    /** Republishes a snapshot file as the next version, signed anew: how a rollback is done. */
    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = {
                "Publishes a snapshot file under the next version number, signed with your key. Roll back by",
                "republishing an older file with --rollback: the accuracy gate then lets it through."
            })
    static final class Publish implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        SigningKeyOptions signing;

        @Option(
                names = "--rollback",
                description = "Mark it, in the signed header, as a deliberate return to this older model: classifiers"
                        + " serve it even if it scores lower on their holdout than what they serve.")
        boolean rollback;

        @Parameters(paramLabel = "FILE", description = "A .dgsn snapshot file written by the trainer.")
        Path file;

        @Spec
        CommandSpec spec;

        @Option(names = "--timeout-s", defaultValue = "30", description = "How long to wait for the Kafka cluster.")
        long timeoutS;

        @Option(
                names = "--trusted-keys",
                paramLabel = "FILE|DIR",
                description = "Public keys whose snapshot files may be republished besides your own key's (a .pub"
                        + " file or a directory of them), for example a key you rotated away from.")
        Path trustedKeys;

        @Mixin
        AccuracyFloorOption floor;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), file + ": no such file");
            }
            Optional<SigningKey> key = signing.key();
            // re-sign only what a trusted key signed: a file changed on disk must not come out signed anew
            Decoded<ModelSnapshot> read = SnapshotCodec.decode(Files.readAllBytes(file), trustForFiles(key));
            if (read instanceof Decoded.Invalid<ModelSnapshot> invalid) {
                System.err.println(file + " is not republished: " + invalid.code() + ": " + invalid.reason());
                return 1;
            }
            ModelSnapshot original = read.orElseThrow();
            Optional<PublishCheck.Refusal> refusal = PublishCheck.refusal(original, floor.minAccuracy);
            if (refusal.isPresent()) {
                System.err.println(
                        file + " is not republished: " + refusal.get().reason()
                                + (refusal.get().belowFloor() ? " (a rollback too must meet it)" : ""));
                return 1;
            }
            try (var publisher =
                    new SnapshotPublisher(kafka.connection(), kafka.topics(), Duration.ofSeconds(timeoutS))) {
                long version =
                        publisher.nextVersion(original.header().modelName(), SnapshotPublisher.numberingTrust(key));
                SnapshotHeader h = original.header();
                var republished = new ModelSnapshot(
                        h.republished(version, System.currentTimeMillis(), rollback), original.payload());
                publisher.publish(republished, SnapshotCodec.encode(republished, key));
                System.out.printf(
                        "Published %s (v%d's weights) as v%d%s%s%n",
                        file,
                        h.version(),
                        version,
                        rollback ? ", marked as a rollback" : "",
                        key.map(k -> ", signed by " + k.keyId()).orElse(", unsigned"));
            }
            return 0;
        }

        /** Your own key's files, and those of --trusted-keys; unsigned files only when publishing unsigned. */
        private SnapshotTrust trustForFiles(Optional<SigningKey> key) {
            TrustedKeys others;
            try {
                others = trustedKeys == null ? TrustedKeys.none() : TrustedKeys.read(trustedKeys);
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new ParameterException(spec.commandLine(), "--trusted-keys: " + e.getMessage());
            }
            if (key.isEmpty()) {
                return SnapshotTrust.allowUnsigned(others);
            }
            return SnapshotTrust.requireSigned(others.with(key.get().publicKey()));
        }
    }
}
