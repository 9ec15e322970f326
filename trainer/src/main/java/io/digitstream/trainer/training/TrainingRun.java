package io.digitstream.trainer.training;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.publish.SnapshotFiles;
import io.digitstream.publish.SnapshotPublisher;
import io.digitstream.schemas.message.Json;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run from data to published snapshots: trains by the recipe, and at every
 * checkpoint evaluates, writes the snapshot file (and its evaluation) and publishes it, signed with
 * the signer's key when there is one (the classifier serves only signed snapshots unless told otherwise).
 */
public final class TrainingRun {
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);
    private static final int EVAL_BATCH = 500;

    /** What one checkpoint produced; {@code loss} is the training loss of its last batch. */
    public record Published(ModelSnapshot snapshot, Evaluation evaluation, Path file, double loss) {}

    private final Recipe recipe;
    private final String modelName;
    private final int checkpointEveryBatches;
    private final int midEpochEvalLimit;
    private final Path outputDirectory;
    private final Optional<SnapshotPublisher> publisher;
    private final Optional<SigningKey> signer;
    private final List<Published> published = new ArrayList<>();
    private long nextVersion;

    /**
     * @param midEpochEvalLimit test images used to evaluate mid-epoch checkpoints (the whole test set at epoch ends)
     */
    public TrainingRun(
            Recipe recipe,
            String modelName,
            int checkpointEveryBatches,
            int midEpochEvalLimit,
            Path outputDirectory,
            Optional<SnapshotPublisher> publisher,
            Optional<SigningKey> signer) {
        this.recipe = recipe;
        this.modelName = modelName;
        this.checkpointEveryBatches = checkpointEveryBatches;
        this.midEpochEvalLimit = midEpochEvalLimit;
        this.outputDirectory = outputDirectory;
        this.publisher = publisher;
        this.signer = signer;
    }

    public MultiLayerNetwork run(
            MnistDataset train, MnistDataset test, TrainingListener progress, Consumer<Published> onPublished) {
        // its own files count too: after a tombstone and compaction the topic may hold none of its
        // versions, and numbering again from 1 would be refused as stale by every running classifier
        long local = nextLocalVersion();
        nextVersion = publisher
                .map(p -> Math.max(local, p.nextVersion(modelName, SnapshotPublisher.numberingTrust(signer))))
                .orElse(local);
        log.info(
                "Training {} by the '{}' recipe on {} images; first snapshot is v{}",
                modelName,
                recipe.name(),
                train.size(),
                nextVersion);
        var trainer = new Trainer(recipe, checkpointEveryBatches);
        return trainer.train(train, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss, double imagesPerSecond) {
                progress.onBatch(epoch, batch, batchesPerEpoch, loss, imagesPerSecond);
            }

            @Override
            public void onCheckpoint(Checkpoint checkpoint) {
                progress.onCheckpoint(checkpoint);
                Published p = snapshot(
                        checkpoint,
                        checkpoint.endOfEpoch() ? test : test.slice(0, Math.min(midEpochEvalLimit, test.size())));
                published.add(p);
                try {
                    TrainingCharts.lossAndAccuracy(published, modelName, outputDirectory);
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not draw the training chart in " + outputDirectory, e);
                }
                onPublished.accept(p);
            }
        });
    }

    private Published snapshot(Checkpoint checkpoint, MnistDataset evalSet) {
        var engine = new Dl4jEngine(checkpoint.network()); // shares the network; not closed here
        Evaluation evaluation = Evaluation.of(engine, evalSet, EVAL_BATCH);
        var facts = new TrainingFacts(
                recipe.name(),
                checkpoint.epochs(),
                checkpoint.examplesSeen(),
                evaluation.accuracy(),
                evaluation.examples());
        ModelSnapshot snapshot = Dl4jSnapshots.snapshot(checkpoint.network(), modelName, nextVersion++, facts);
        try {
            byte[] envelope = SnapshotCodec.encode(snapshot, signer);
            Path file = SnapshotFiles.write(snapshot, envelope, outputDirectory);
            Path evaluationFile = outputDirectory.resolve(
                    file.getFileName().toString().replace(SnapshotFiles.EXTENSION, ".evaluation.json"));
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(evaluationFile.toFile(), evaluation);
            // the snapshot carries the ONNX graph only; training continues from the network itself
            Files.write(
                    outputDirectory.resolve(
                            file.getFileName().toString().replace(SnapshotFiles.EXTENSION, SnapshotFiles.CHECKPOINT)),
                    Dl4jSnapshots.serialize(checkpoint.network()));
            TrainingCharts.confusionMatrix(evaluation, snapshot.label(), file);
            publisher.ifPresent(p -> p.publish(snapshot, envelope));
            return new Published(snapshot, evaluation, file, checkpoint.loss());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the snapshot to " + outputDirectory, e);
        }
    }

    private long nextLocalVersion() {
        Pattern name = Pattern.compile(Pattern.quote(modelName) + "-v(\\d+)" + Pattern.quote(SnapshotFiles.EXTENSION));
        if (!Files.isDirectory(outputDirectory)) {
            return 1;
        }
        try (Stream<Path> files = Files.list(outputDirectory)) {
            return files.map(f -> name.matcher(f.getFileName().toString()))
                            .filter(java.util.regex.Matcher::matches)
                            .mapToLong(m -> Long.parseLong(m.group(1)))
                            .max()
                            .orElse(0)
                    + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Published> published() {
        return List.copyOf(published);
    }
}
