package io.digitstream.benchmarks.handwriting;

import io.digitstream.benchmarks.Machine;
import io.digitstream.cli.CommandLines;
import io.digitstream.cli.DataOptions;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingFeed;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
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

    @Option(
            names = "--stand-ins",
            defaultValue = "target/stand-ins",
            description = "Where benchmarks/stand-ins/fetch.sh put the stand-ins; relative paths start in benchmarks/.")
    Path standIns;

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
        sets.putAll(StandIns.in(standIns));
        System.out.println("Machine: " + Machine.describe());
        System.out.println("Recipe: " + recipe);

        Nd4j.getRandom().setSeed(recipe.seed());
        MultiLayerNetwork network = ReferenceCnn.create(recipe.seed(), new Adam(recipe.learningRate()));
        Dl4jRuntime.tuneForTraining(network);
        var feed = new TrainingFeed(recipe, store.train());
        for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
            network.setLearningRate(recipe.learningRate(epoch));
            feed.shuffle();
            for (int batch = 0; batch < feed.batchesPerEpoch(); batch++) {
                Trainer.step(network, feed.batch(batch));
            }
            if (epoch >= recipe.epochs() - scoreLast) {
                RecipeEndings.score(
                        "after epoch " + (epoch + 1) + " (learning rate " + recipe.learningRate(epoch) + ")",
                        network,
                        network.params(),
                        sets);
            }
        }
        return 0;
    }
}
