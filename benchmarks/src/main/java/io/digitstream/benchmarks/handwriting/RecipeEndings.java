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
import io.digitstream.trainer.training.Augmentation;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingFeed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Whether how the default recipe ends its training gains accuracy (issue 28's last tenth on MNIST):
 * one trajectory of the recipe's own loop, scored on MNIST's test set and the handwriting
 * stand-ins after each of its last epochs as trained, as exponential averages of the weights and
 * as the mean of the last epochs' ends; then, from its final weights and Adam state, two more
 * epochs with no variation, the pose only, or the recipe's own. Accuracy, not speed; not a test.
 */
@Command(
        name = "recipe-endings",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "MNIST and stand-in accuracy of averaged weights and finishing epochs of the default recipe.")
public final class RecipeEndings implements Callable<Integer> {
    private static final double[] DECAYS = {0.999, 0.9995};
    private static final int FINISHING_EPOCHS = 2;
    private static final int MAX_MEAN_OF = 3;

    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new RecipeEndings()).execute(args));
    }

    @Option(names = "--score-last", defaultValue = "3", description = "Score after each of the last N epochs.")
    int scoreLast;

    @Mixin
    StandInsOption standIns;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() {
        Recipe recipe = Recipe.DEFAULT;
        var store = MnistStore.withDefaults(data.dataDir());
        Map<String, MnistDataset> sets = new LinkedHashMap<>();
        sets.put("MNIST test", store.test());
        sets.putAll(standIns.load());
        System.out.println("Machine: " + Machine.describe());

        INDArray[] averages = new INDArray[DECAYS.length];
        List<INDArray> epochEnds = new ArrayList<>();
        MultiLayerNetwork network = RecipeTrajectory.train(recipe, store.train(), new RecipeTrajectory.Watcher() {
            @Override
            public void beforeTraining(MultiLayerNetwork network) {
                for (int i = 0; i < DECAYS.length; i++) {
                    averages[i] = network.params().dup();
                }
            }

            @Override
            public void afterBatch(MultiLayerNetwork network) {
                INDArray params = network.params();
                for (int i = 0; i < DECAYS.length; i++) {
                    averages[i].muli(DECAYS[i]).addi(params.mul(1 - DECAYS[i]));
                }
            }

            @Override
            public void afterEpoch(int epoch, MultiLayerNetwork network) {
                epochEnds.add(network.params().dup());
                if (epoch >= recipe.epochs() - scoreLast) {
                    String after = "after epoch " + (epoch + 1) + ": ";
                    score(after + "as trained", network, network.params(), sets);
                    for (int i = 0; i < DECAYS.length; i++) {
                        score(after + "exponential average, decay " + DECAYS[i], network, averages[i], sets);
                    }
                    int k = Math.min(MAX_MEAN_OF, epochEnds.size());
                    INDArray mean = Nd4j.zerosLike(network.params());
                    epochEnds.subList(epochEnds.size() - k, epochEnds.size()).forEach(mean::addi);
                    score(after + "mean of the last " + k + " epochs' ends", network, mean.divi(k), sets);
                }
            }
        });

        Augmentation variations = recipe.augmentation();
        Map<String, Augmentation> endings = new LinkedHashMap<>();
        endings.put("no variation", Augmentation.NONE);
        endings.put(
                "the pose only",
                new Augmentation(
                        variations.maxShift(),
                        variations.maxDegrees(),
                        variations.maxScale(),
                        variations.maxSlantDegrees(),
                        0,
                        0,
                        0,
                        0));
        endings.put("the recipe's variations", variations);
        endings.forEach((name, augmentation) -> {
            MultiLayerNetwork finishing = network.clone();
            var finishingFeed = new TrainingFeed(recipe.withAugmentation(augmentation), store.train());
            for (int extra = 1; extra <= FINISHING_EPOCHS; extra++) {
                finishing.setLearningRate(recipe.learningRate(recipe.epochs() + extra - 1));
                finishingFeed.shuffle();
                for (int batch = 0; batch < finishingFeed.batchesPerEpoch(); batch++) {
                    Trainer.step(finishing, finishingFeed.batch(batch));
                }
                score("+" + extra + " epochs with " + name, finishing, finishing.params(), sets);
            }
        });
        return 0;
    }

    /** The network's layout with these weights, exported to float32 ONNX, scored on every set. */
    static void score(String weights, MultiLayerNetwork network, INDArray params, Map<String, MnistDataset> sets) {
        MultiLayerNetwork copy = network.clone();
        copy.setParams(params.dup());
        var line = new StringBuilder("| ").append(weights).append(" |");
        try (var engine = OnnxEngine.admitting(OnnxExport.export(copy), OnnxSettings.forStreaming())) {
            sets.forEach((set, images) -> line.append(String.format(
                    Locale.ROOT,
                    " %s %.2f %% |",
                    set.split(" ")[0],
                    100 * Evaluation.of(engine, images, 500).accuracy())));
        }
        System.out.println(line);
        System.out.flush();
    }
}
