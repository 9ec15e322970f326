package io.digitstream.trainer.training;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.model.dl4j.TrainingBatches;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.schemas.Mnist;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
        var random = new Random(recipe.seed());
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int batchesPerEpoch = (data.size() + recipe.batchSize() - 1) / recipe.batchSize();
        long examplesSeen = 0;
        double loss = Double.NaN;
        for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
            if (recipe.decayEvery() > 0) {
                network.setLearningRate(recipe.learningRate(epoch));
            }
            shuffle(order, random);
            long epochStart = System.nanoTime();
            long epochExamples = 0;
            for (int batch = 0; batch < batchesPerEpoch; batch++) {
                if (Thread.currentThread().isInterrupted()) {
                    return network;
                }
                int from = batch * recipe.batchSize();
                int count = Math.min(recipe.batchSize(), data.size() - from);
                try (INDArray features = features(data, order, from, count, random);
                        INDArray labels = TrainingBatches.oneHotLabels(data, order, from, count)) {
                    network.fit(new DataSet(features, labels));
                }
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

    private INDArray features(MnistDataset data, int[] order, int from, int count, Random random) {
        Augmentation augmentation = recipe.augmentation();
        if (augmentation.isNone()) {
            return TrainingBatches.features(data, order, from, count);
        }
        float[] scaled = new float[count * Mnist.PIXELS];
        for (int row = 0; row < count; row++) {
            int image = order[from + row];
            augmentation.apply(
                    data.rawPixels(), image * Mnist.PIXELS, data.label(image), scaled, row * Mnist.PIXELS, random);
        }
        return Nd4j.create(scaled, new long[] {count, Mnist.PIXELS}, org.nd4j.linalg.api.buffer.DataType.FLOAT);
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
