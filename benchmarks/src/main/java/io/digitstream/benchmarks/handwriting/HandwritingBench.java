package io.digitstream.benchmarks.handwriting;

import io.digitstream.benchmarks.Machine;
import io.digitstream.cli.CommandLines;
import io.digitstream.cli.DataOptions;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.onnx.OnnxEngine;
import io.digitstream.model.onnx.OnnxExport;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How well each training recipe reads digits that do not look like MNIST's: trains each recipe on
 * the MNIST training set, then scores it on the MNIST test set and on the same test digits drawn
 * again with a thick pen, a thin pen, blurred, slanted and at 8x8 ({@link StyleVariants}). Accuracy,
 * not speed: the figures do not depend on the CPU (the recipes are seeded). Not a test.
 */
@Command(
        name = "handwriting-bench",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Accuracy of each recipe on the MNIST test set and on its digits drawn other ways.")
public final class HandwritingBench implements Callable<Integer> {
    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new HandwritingBench()).execute(args));
    }

    @Option(names = "--recipes", split = ",", defaultValue = "seed,default")
    List<String> recipes;

    @Option(names = "--epochs", description = "Train each recipe this many epochs instead of its own (a quick look).")
    Integer epochs;

    @Option(names = "--train-limit", defaultValue = "60000", description = "Train on the first N training images.")
    int trainLimit;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() {
        System.out.println("Machine: " + Machine.describe());
        var store = MnistStore.withDefaults(data.dataDir());
        MnistDataset train =
                store.train().slice(0, Math.min(trainLimit, store.train().size()));
        Map<String, MnistDataset> sets = StyleVariants.of(store.test());

        Map<String, Map<String, Double>> accuracy = new LinkedHashMap<>();
        for (String name : recipes) {
            Recipe recipe = Recipe.named(name);
            if (epochs != null) {
                recipe = recipe.withEpochs(epochs);
            }
            long started = System.nanoTime();
            MultiLayerNetwork network = new Trainer(recipe, 0).train(train, new TrainingListener() {});
            System.out.printf(
                    Locale.ROOT,
                    "%s recipe: %d epochs on %,d images in %.0f s%n",
                    recipe.name(),
                    recipe.epochs(),
                    train.size(),
                    (System.nanoTime() - started) / 1e9);
            Map<String, Double> scores = new LinkedHashMap<>();
            try (var engine = OnnxEngine.admitting(OnnxExport.export(network), OnnxSettings.forStreaming())) {
                sets.forEach((set, images) ->
                        scores.put(set, Evaluation.of(engine, images, 500).accuracy()));
            }
            accuracy.put(recipe.name() + " (" + recipe.epochs() + " epochs)", scores);
        }
        System.out.println();
        System.out.println(table(accuracy, new ArrayList<>(sets.keySet())));
        return 0;
    }

    private static String table(Map<String, Map<String, Double>> accuracy, List<String> sets) {
        var out = new StringBuilder("| recipe | ");
        sets.forEach(set -> out.append(set).append(" | "));
        out.append("mean of the other looks |\n|---|");
        sets.forEach(set -> out.append("---|"));
        out.append("---|\n");
        accuracy.forEach((recipe, scores) -> {
            out.append("| ").append(recipe).append(" | ");
            double others = 0;
            for (String set : sets) {
                out.append(String.format(Locale.ROOT, "%.2f %%", 100 * scores.get(set)))
                        .append(" | ");
                if (!set.equals(sets.get(0))) {
                    others += scores.get(set);
                }
            }
            out.append(String.format(Locale.ROOT, "%.2f %%", 100 * others / (sets.size() - 1)))
                    .append(" |\n");
        });
        return out.toString();
    }
}
