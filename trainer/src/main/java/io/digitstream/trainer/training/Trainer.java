package io.digitstream.trainer.training;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.dl4j.TrainingBatches;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.schemas.Mnist;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Trains the reference CNN by a {@link Recipe}: seeded, shuffled every epoch, pixels scaled to [0,1]. */
public final class Trainer {
    private final Recipe recipe;
    private final int checkpointEveryBatches;

    /** @param checkpointEveryBatches also call {@link TrainingListener#onCheckpoint} every this many batches (0 = only per epoch) */
    public Trainer(Recipe recipe, int checkpointEveryBatches) {
        this.recipe = recipe;
        this.checkpointEveryBatches = checkpointEveryBatches;
    }

    /** Trains to the end of the recipe, or until the calling thread is interrupted (then returns the network as it is). */
    public MultiLayerNetwork train(MnistDataset data, TrainingListener listener) {
        Nd4j.getRandom().setSeed(recipe.seed());
        MultiLayerNetwork network = ReferenceCnn.create(recipe.seed(), new Adam(recipe.learningRate()));
        Dl4jRuntime.tuneForTraining(network);
        var feed = new TrainingFeed(recipe, data);
        int batchesPerEpoch = feed.batchesPerEpoch();
        long examplesSeen = 0;
        double loss = Double.NaN;
        for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
            if (recipe.decayEvery() > 0) {
                network.setLearningRate(recipe.learningRate(epoch));
            }
            feed.shuffle();
            long epochStart = System.nanoTime();
            long epochExamples = 0;
            for (int batch = 0; batch < batchesPerEpoch; batch++) {
                if (Thread.currentThread().isInterrupted()) {
                    return network;
                }
                TrainingFeed.Batch images = feed.batch(batch);
                int count = images.size();
                step(network, images);
                loss = network.score();
                examplesSeen += count;
                epochExamples += count;
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                listener.onBatch(epoch, batch, batchesPerEpoch, loss, epochExamples / Math.max(seconds, 1e-9));
                boolean endOfEpoch = batch == batchesPerEpoch - 1;
                if (endOfEpoch || (checkpointEveryBatches > 0 && (batch + 1) % checkpointEveryBatches == 0)) {
                    listener.onCheckpoint(new Checkpoint(
                            network, epoch + (batch + 1) / (double) batchesPerEpoch, examplesSeen, endOfEpoch, loss));
                }
            }
        }
        return network;
    }

    /** One optimiser step of {@code network} on a batch of the feed. */
    public static void step(MultiLayerNetwork network, TrainingFeed.Batch images) {
        try (INDArray features =
                        Nd4j.create(images.pixels(), new long[] {images.size(), Mnist.PIXELS}, DataType.FLOAT);
                INDArray labels = TrainingBatches.oneHot(images.digits())) {
            network.fit(new DataSet(features, labels));
        }
    }
}
