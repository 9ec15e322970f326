package io.digitstream.benchmarks.handwriting;

import io.digitstream.benchmarks.Machine;
import io.digitstream.cli.CommandLines;
import io.digitstream.cli.DataOptions;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.trainer.training.Recipe;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Whether the default recipe trained longer, on a slower learning-rate schedule, gains accuracy
 * (issue 28's last tenth on MNIST): one trajectory of the recipe's own loop and variations with
 * another number of epochs and halving interval, scored on MNIST's test set and the handwriting
 * stand-ins after each of its last epochs. Accuracy, not speed; not a test.
 */
@Command(
        name = "recipe-schedules",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "MNIST and stand-in accuracy of the default recipe on another schedule.")
public final class RecipeSchedules implements Callable<Integer> {
    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new RecipeSchedules()).execute(args));
    }

    @Option(names = "--epochs", defaultValue = "15", description = "How many epochs to train.")
    int epochs;

    @Option(names = "--halve-every", defaultValue = "3", description = "Halve Adam's learning rate every N epochs.")
    int halveEvery;

    @Option(names = "--score-last", defaultValue = "6", description = "Score after each of the last N epochs.")
    int scoreLast;

    @Mixin
    StandInsOption standIns;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() {
        Recipe base = Recipe.DEFAULT;
        Recipe recipe = new Recipe(
                "default, " + epochs + " epochs, halved every " + halveEvery,
                epochs,
                base.batchSize(),
                base.learningRate(),
                halveEvery,
                base.augmentation(),
                base.seed());
        var store = MnistStore.withDefaults(data.dataDir());
        Map<String, MnistDataset> sets = new LinkedHashMap<>();
        sets.put("MNIST test", store.test());
        sets.putAll(standIns.load());
        System.out.println("Machine: " + Machine.describe());
        System.out.println("Recipe: " + recipe);

        RecipeTrajectory.train(recipe, store.train(), new RecipeTrajectory.Watcher() {
            @Override
            public void afterEpoch(int epoch, MultiLayerNetwork network) {
                if (epoch >= recipe.epochs() - scoreLast) {
                    RecipeEndings.score(
                            "after epoch " + (epoch + 1) + " (learning rate " + recipe.learningRate(epoch) + ")",
                            network,
                            network.params(),
                            sets);
                }
            }
        });
        return 0;
    }
}
