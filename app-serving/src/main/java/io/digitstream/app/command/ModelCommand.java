package io.digitstream.app.command;

import io.digitstream.cli.KafkaOptions;
import io.digitstream.cli.ModelNameOptions;
import io.digitstream.cli.SigningKeyOptions;
import io.digitstream.publish.SnapshotFiles;
import io.digitstream.publish.SnapshotPublisher;
import io.digitstream.schemas.snapshot.ModelOutput;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model import FILE.onnx}: a model trained anywhere, signed and served like the trainer's. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        subcommands = ModelCommand.Import.class,
        description = "Models from outside the trainer: 'digitstream model import FILE.onnx'.")
public final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: import");
    }

    /** Signs an ONNX graph that fits the contract as a snapshot; publishes it with {@code --publish}. */
    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = {
                "Signs any ONNX graph that fits the contract as a model snapshot file (.dgsn in --output-dir),",
                "and with --publish sends it to the snapshots topic as the model's next version.",
                "The contract: one float input [batch, 1, 28, 28], pixels in [0, 1] (0 background, 1 ink),",
                "one float output [batch, 10], probabilities or (with --outputs logits) logits. The graph",
                "passes the classifiers' admission and the accuracy floor before anything is signed."
            })
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.onnx", description = "The ONNX graph, its weights inside it.")
        Path file;

        @Option(
                names = "--outputs",
                defaultValue = "probabilities",
                description = "What the graph's ten outputs are: probabilities (they sum to one) or logits"
                        + " (the classifiers apply a softmax).")
        String outputs;

        @Option(names = "--publish", description = "Also publish it as the model's next version.")
        boolean publish;

        @Option(
                names = "--output-dir",
                defaultValue = "${env:DIGITSTREAM_MODEL_DIR:-models}",
                description = "Where the snapshot file is written, as <FILE>.dgsn (env DIGITSTREAM_MODEL_DIR,"
                        + " the trainer's directory).")
        Path outputDir;

        @Option(names = "--timeout-s", defaultValue = "30", description = "How long to wait for the Kafka cluster.")
        long timeoutS;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        SigningKeyOptions signing;

        @Mixin
        ModelNameOptions model;

        @Mixin
        AccuracyFloorOption floor;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), file + ": no such file");
            }
            ModelOutput kind;
            try {
                kind = ModelOutput.parse(outputs);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--outputs: " + e.getMessage());
            }
            Optional<SigningKey> key = signing.key();
            byte[] graph = Files.readAllBytes(file);
            ModelSnapshot imported = snapshot(graph, kind, 1);
            Optional<PublishCheck.Refusal> refusal = PublishCheck.refusal(imported, floor.minAccuracy);
            if (refusal.isPresent()) {
                System.err.println(file + " is not imported: " + refusal.get().reason());
                return 1;
            }
            Files.createDirectories(outputDir);
            Path written = SnapshotFiles.writeTo(
                    SnapshotCodec.encode(imported, key),
                    outputDir.resolve(
                            file.getFileName().toString().replaceFirst("\\.onnx$", "") + SnapshotFiles.EXTENSION));
            String signer = key.map(k -> "signed by " + k.keyId()).orElse("unsigned");
            System.out.println(
                    "Wrote " + written + " (" + model.modelName() + ", " + kind.jsonName() + ", " + signer + ")");
            if (!publish) {
                // the same command with --publish: a serving-only install has no 'trainer publish'
                System.out.println(
                        "Not published: add --publish to send it as " + model.modelName() + "'s next version");
                return 0;
            }
            try (var publisher =
                    new SnapshotPublisher(kafka.connection(), kafka.topics(), Duration.ofSeconds(timeoutS))) {
                long version = publisher.nextVersion(model.modelName(), SnapshotPublisher.numberingTrust(key));
                ModelSnapshot versioned = snapshot(graph, kind, version);
                publisher.publish(versioned, SnapshotCodec.encode(versioned, key));
                System.out.printf("Published %s as %s v%d (%s)%n", file, model.modelName(), version, signer);
            }
            return 0;
        }

        private ModelSnapshot snapshot(byte[] graph, ModelOutput kind, long version) {
            return ModelSnapshot.ofGraph(
                    model.modelName(),
                    version,
                    graph,
                    new TrainingFacts("imported from " + file.getFileName(), 0, 0, null, null),
                    kind);
        }
    }
}
