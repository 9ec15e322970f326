package io.digitstream.benchmarks.handwriting;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingFeed;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A recipe's own training loop from its seed (its feed, {@link Trainer#step}, its learning-rate
 * schedule), as the trainer runs it, with hooks where a trial looks at the weights.
 */
final class RecipeTrajectory {
    /** What a trial does along the way; the network is the one being trained. */
    interface Watcher {
        /** The network as its seed initialised it. */
        default void beforeTraining(MultiLayerNetwork network) {}

        default void afterBatch(MultiLayerNetwork network) {}

        /** After epoch {@code epoch} (0-based). */
        default void afterEpoch(int epoch, MultiLayerNetwork network) {}
    }

    private RecipeTrajectory() {}

    /** Trains a new reference network by {@code recipe} on {@code train}; returns it after the last epoch. */
    static MultiLayerNetwork train(Recipe recipe, MnistDataset train, Watcher watcher) {
        Nd4j.getRandom().setSeed(recipe.seed());
        MultiLayerNetwork network = ReferenceCnn.create(recipe.seed(), new Adam(recipe.learningRate()));
        Dl4jRuntime.tuneForTraining(network);
        var feed = new TrainingFeed(recipe, train);
        watcher.beforeTraining(network);
        for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
            network.setLearningRate(recipe.learningRate(epoch));
            feed.shuffle();
            for (int batch = 0; batch < feed.batchesPerEpoch(); batch++) {
                Trainer.step(network, feed.batch(batch));
                watcher.afterBatch(network);
            }
            watcher.afterEpoch(epoch, network);
        }
        return network;
    }
}
