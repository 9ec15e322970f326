package io.digitstream.benchmarks;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.trainer.training.Recipe;
import io.digitstream.trainer.training.Trainer;
import io.digitstream.trainer.training.TrainingFeed;
import io.digitstream.trainer.training.TrainingListener;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The wall time of one epoch of a recipe on MNIST's training set, everything the trainer does per
 * epoch included (shuffling, varying each image, the steps), two ways in one run:
 *
 * <ul>
 *   <li>{@code digitstream}: the trainer itself ({@link Trainer}, one epoch of the recipe);</li>
 *   <li>{@code pytorch}: the same images from the same {@link TrainingFeed} (the recipe's own
 *       augmentation, in Java, on the training thread as the trainer has it), each batch a step of
 *       the reference network on libtorch ({@link PyTorchReferenceCnn}).</li>
 * </ul>
 * So the two differ only in the engine that trains. Each setup runs in a JVM of its own (a JMH
 * fork); each measured iteration is one whole epoch, in seconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TrainingEpochBenchmark {
    @Param({"digitstream", "pytorch"})
    public String setup;

    /** {@code default} (the images varied as the default recipe varies them) or {@code seed} (as they are). */
    @Param({"default"})
    public String recipe;

    /** Training images per epoch: MNIST's 60,000, or fewer (a multiple of the batch) for a quick look. */
    @Param({"60000"})
    public int images;

    private Recipe oneEpoch;
    private MnistDataset data;
    private PyTorchReferenceCnn pytorch;

    @Setup(Level.Trial)
    public void setUp() {
        oneEpoch = Recipe.named(recipe).withEpochs(1);
        MnistDataset train =
                MnistStore.withDefaults(MnistStore.defaultDirectory()).train();
        if (images < oneEpoch.batchSize() || images > train.size() || images % oneEpoch.batchSize() != 0) {
            throw new IllegalArgumentException(
                    "images: a multiple of " + oneEpoch.batchSize() + " up to " + train.size() + ", not " + images);
        }
        data = train.slice(0, images);
        switch (setup) {
            case "digitstream" -> {}
            case "pytorch" -> {
                pytorch = new PyTorchReferenceCnn(oneEpoch.batchSize());
                System.out.println("engine: " + PyTorchReferenceCnn.engineDescription());
            }
            default -> throw new IllegalArgumentException("setup: digitstream or pytorch, not " + setup);
        }
    }

    @Benchmark
    public Object epoch() {
        if (pytorch == null) {
            return new Trainer(oneEpoch, 0).train(data, new TrainingListener() {});
        }
        var feed = new TrainingFeed(oneEpoch, data);
        feed.shuffle();
        for (int b = 0; b < feed.batchesPerEpoch(); b++) {
            TrainingFeed.Batch batch = feed.batch(b);
            float[] labels = new float[batch.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = batch.digits()[i];
            }
            pytorch.step(batch.pixels(), labels);
        }
        return feed;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pytorch != null) {
            pytorch.close();
        }
    }
}
