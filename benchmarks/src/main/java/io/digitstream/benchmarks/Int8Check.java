package io.digitstream.benchmarks;

import io.digitstream.cli.CommandLines;
import io.digitstream.cli.DataOptions;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.onnx.OnnxInt8Models;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The int8 engine against float32 on every MNIST test image, for one snapshot file, as a classifier
 * with {@code --engine onnx-int8} would load it: accuracy of each, and how many images get the same
 * digit. Exits 1 unless int8 serves, its accuracy is within {@link #MAX_ACCURACY_GAP} of float32's
 * and at least {@link #MIN_SAME_DIGIT} of the images get the same digit.
 */
@Command(
        name = "int8-check",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "The onnx-int8 engine against onnx (float32) on every MNIST test image, for one snapshot file.")
public final class Int8Check implements Callable<Integer> {
    static final double MAX_ACCURACY_GAP = 0.001;
    static final double MIN_SAME_DIGIT = 0.998;
    private static final int BATCH = 500;

    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new Int8Check()).execute(args));
    }

    @Parameters(paramLabel = "SNAPSHOT", description = "A .dgsn file (the trainer's, or one `model import` wrote).")
    Path file;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(new CommandLine(this), file + ": no such file");
        }
        var snapshot = SnapshotCodec.decode(Files.readAllBytes(file), SnapshotTrust.unchecked())
                .orElseThrow();
        MnistDataset test = MnistStore.withDefaults(data.dataDir()).test();
        var settings = OnnxSettings.forStreaming();
        try (InferenceEngine float32 = new OnnxModels(settings)
                        .load(snapshot.header(), snapshot.payload())
                        .orElseThrow();
                InferenceEngine int8 = new OnnxInt8Models(settings)
                        .load(snapshot.header(), snapshot.payload())
                        .orElseThrow()) {
            System.out.println("Machine: " + Machine.describe());
            System.out.println("int8 products: " + Machine.int8Instructions());
            System.out.println(
                    snapshot.label() + ": " + int8.name() + ", " + int8.note().orElse(""));
            int same = 0;
            for (int from = 0; from < test.size(); from += BATCH) {
                int n = Math.min(BATCH, test.size() - from);
                MnistDataset slice = test.slice(from, from + n);
                float[] exact = float32.predict(slice.rawPixels(), n);
                float[] quantized = int8.predict(slice.rawPixels(), n);
                for (int image = 0; image < n; image++) {
                    if (MnistTranslator.digit(exact, image) == MnistTranslator.digit(quantized, image)) {
                        same++;
                    }
                }
            }
            double exactAccuracy = Evaluation.of(float32, test, BATCH).accuracy();
            double int8Accuracy = Evaluation.of(int8, test, BATCH).accuracy();
            double sameShare = (double) same / test.size();
            System.out.printf(
                    Locale.ROOT,
                    "| images | float32 accuracy | int8 accuracy | difference | same digit |%n|---|---|---|---|---|%n"
                            + "| %,d | %.2f %% | %.2f %% | %+.2f pp | %,d (%.2f %%) |%n",
                    test.size(),
                    100 * exactAccuracy,
                    100 * int8Accuracy,
                    100 * (int8Accuracy - exactAccuracy),
                    same,
                    100 * sameShare);
            boolean within = int8.name().equals(OnnxInt8Models.NAME)
                    && Math.abs(int8Accuracy - exactAccuracy) <= MAX_ACCURACY_GAP
                    && sameShare >= MIN_SAME_DIGIT;
            return within ? 0 : 1;
        }
    }
}
