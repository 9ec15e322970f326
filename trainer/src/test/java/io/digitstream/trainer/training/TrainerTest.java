package io.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.evaluation.Evaluation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {

    @Test
    void theSeedRecipeLearnsTheFixtureWellInOneEpoch() {
        MnistDataset train = MnistFixture.train();
        MnistDataset heldOut = MnistFixture.test();
        List<Checkpoint> checkpoints = new ArrayList<>();
        List<Double> losses = new ArrayList<>();

        var network = new Trainer(Recipe.SEED.withEpochs(1), 10).train(train, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss, double imagesPerSecond) {
                losses.add(loss);
            }

            @Override
            public void onCheckpoint(Checkpoint checkpoint) {
                checkpoints.add(checkpoint);
            }
        });

        Evaluation evaluation = Evaluation.of(new Dl4jEngine(network), heldOut, 500);
        // 4,000 images, one epoch: the reference reaches about 90 % on unseen digits; chance is 10 %
        assertThat(evaluation.accuracy()).isGreaterThan(0.85);
        assertThat(losses).hasSize(40);
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) / 3);
        assertThat(checkpoints).extracting(Checkpoint::examplesSeen).containsExactly(1000L, 2000L, 3000L, 4000L);
        assertThat(checkpoints.get(3).endOfEpoch()).isTrue();
        assertThat(checkpoints.get(1).epochs()).isEqualTo(0.5);
    }

    @Test
    void theSameSeedTrainsTheSameNetwork() {
        MnistDataset small = MnistFixture.train().slice(0, 300);
        var a = new Trainer(Recipe.SEED.withEpochs(1), 0).train(small, new TrainingListener() {});
        var b = new Trainer(Recipe.SEED.withEpochs(1), 0).train(small, new TrainingListener() {});
        assertThat(a.params().data().asFloat())
                .containsExactly(b.params().data().asFloat());
    }

    @Test
    void theRecipesSayWhatTheSpecSays() {
        assertThat(Recipe.SEED).isEqualTo(new Recipe("seed", 2, 100, 0.001, 0, Augmentation.NONE, 777));
        assertThat(Recipe.DEFAULT.learningRate(0)).isEqualTo(0.001);
        assertThat(Recipe.DEFAULT.learningRate(2)).isEqualTo(0.001);
        assertThat(Recipe.DEFAULT.learningRate(3)).isEqualTo(0.0005);
        assertThat(Recipe.DEFAULT.learningRate(9)).isEqualTo(0.000125);
    }
}
