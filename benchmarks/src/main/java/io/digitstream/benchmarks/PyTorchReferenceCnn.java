package io.digitstream.benchmarks;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.digitstream.schemas.Mnist;

/**
 * The reference network on PyTorch's own engine (libtorch, through DJL), trained as the seed
 * recipe trains it (Adam 0.001, softmax cross-entropy); for timing beside ours in one run, not for
 * accuracy. Natives come from the {@code pytorch-native-cpu} jar; nothing is downloaded.
 */
final class PyTorchReferenceCnn implements AutoCloseable {
    private final Model model;
    private final Trainer trainer;
    private final int batchSize;

    PyTorchReferenceCnn(int batchSize) {
        System.setProperty("ai.djl.offline", "true");
        this.batchSize = batchSize;
        var network = new SequentialBlock()
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(32)
                        .build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(64)
                        .build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(Mnist.CLASSES).build());
        model = Model.newInstance("reference-cnn", "PyTorch");
        model.setBlock(network);
        trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed(1e-3f))
                        .build()));
        trainer.initialize(new Shape(batchSize, 1, Mnist.SIDE, Mnist.SIDE));
    }

    /** "PyTorch 2.7.1": the engine and version that ran. */
    static String engineDescription() {
        Engine engine = Engine.getEngine("PyTorch");
        return engine.getEngineName() + " " + engine.getVersion();
    }

    /** One training step on a batch: pixels scaled to [0,1], row-major, and class labels. */
    void step(float[] pixels, float[] labels) {
        // the step's arrays (inputs, activations, gradients) live and die with this manager, as a
        // PyTorch training loop's tensors do with each iteration
        try (NDManager step = trainer.getManager().newSubManager()) {
            var features = step.create(pixels, new Shape(batchSize, 1, Mnist.SIDE, Mnist.SIDE));
            var classes = step.create(labels, new Shape(batchSize));
            EasyTrain.trainBatch(
                    trainer, new Batch(step, new NDList(features), new NDList(classes), 1, null, null, 0, 1));
            trainer.step();
        }
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
