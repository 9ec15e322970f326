package io.digitstream.benchmarks;

import io.digitstream.cli.CommandLines;
import io.digitstream.cli.DataOptions;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.onnx.OnnxEngine;
import io.digitstream.model.onnx.OnnxGraph;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.publish.SnapshotFiles;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The graph a snapshot file serves (ONNX Runtime) against the network it was exported from
 * (Deeplearning4j, from the checkpoint the trainer wrote beside it) on every MNIST test image: the
 * same digit for all, and probabilities within {@link Dl4jSnapshots#PARITY_TOLERANCE}. The trainer
 * checks the same on the canary batch before it signs; this checks all 10,000. Exits 1 otherwise.
 */
@Command(
        name = "parity-check",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "The ONNX engine against DL4J on every MNIST test image, for one snapshot file.")
public final class ParityCheck implements Callable<Integer> {
    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new ParityCheck()).execute(args));
    }

    @Parameters(
            paramLabel = "SNAPSHOT",
            description = "A .dgsn file written by the trainer, its .dl4j.zip checkpoint beside it.")
    Path file;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        Path checkpoint = file.resolveSibling(
                file.getFileName().toString().replace(SnapshotFiles.EXTENSION, SnapshotFiles.CHECKPOINT));
        if (!Files.isRegularFile(file) || !Files.isRegularFile(checkpoint)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "need " + file + " and its checkpoint " + checkpoint + ", as the trainer writes them");
        }
        var snapshot = SnapshotCodec.decode(Files.readAllBytes(file), SnapshotTrust.unchecked())
                .orElseThrow();
        MnistDataset test = MnistStore.withDefaults(data.dataDir()).test();
        var network = Dl4jSnapshots.restore(Files.readAllBytes(checkpoint)).orElseThrow();
        var reference = new Dl4jEngine(network);
        double worst = 0;
        int sameDigits = 0;
        var graph = OnnxGraph.admit(snapshot.payload()).orElseThrow();
        try (var fast = new OnnxEngine(
                graph,
                snapshot.payload(),
                OnnxSettings.forStreaming(),
                snapshot.header().outputKind())) {
            for (int from = 0; from < test.size(); from += 500) {
                int n = Math.min(500, test.size() - from);
                byte[] pixels = Arrays.copyOfRange(test.rawPixels(), from * Mnist.PIXELS, (from + n) * Mnist.PIXELS);
                float[] expected = reference.predict(pixels, n);
                float[] actual = fast.predict(pixels, n);
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
                }
                for (int image = 0; image < n; image++) {
                    if (MnistTranslator.digit(expected, image) == MnistTranslator.digit(actual, image)) {
                        sameDigits++;
                    }
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s on %,d test images: max |onnx - dl4j| = %.2e; same digit for %,d of %,d%n",
                snapshot.label(),
                test.size(),
                worst,
                sameDigits,
                test.size());
        return worst <= Dl4jSnapshots.PARITY_TOLERANCE && sameDigits == test.size() ? 0 : 1;
    }
}
