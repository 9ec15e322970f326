package io.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingFeedTest {
    private static final MnistDataset SMALL = MnistFixture.train().slice(0, 250);

    @Test
    void eachEpochFeedsEveryImageOnceInANewOrder() {
        var feed = new TrainingFeed(Recipe.DEFAULT, SMALL);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < SMALL.size(); i++) {
            expected.add(SMALL.label(i));
        }
        List<List<Integer>> epochs = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            feed.shuffle();
            List<Integer> digits = new ArrayList<>();
            for (int b = 0; b < feed.batchesPerEpoch(); b++) {
                TrainingFeed.Batch batch = feed.batch(b);
                assertThat(batch.pixels()).hasSize(batch.size() * 784);
                for (int digit : batch.digits()) {
                    digits.add(digit);
                }
            }
            assertThat(feed.batchesPerEpoch()).isEqualTo(3); // 100, 100 and the last 50
            assertThat(digits).containsExactlyInAnyOrderElementsOf(expected);
            epochs.add(digits);
        }
        assertThat(epochs.get(1)).isNotEqualTo(epochs.get(0));
        assertThatThrownBy(() -> feed.batch(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void theSameRecipeFeedsTheSameImages() {
        var a = new TrainingFeed(Recipe.DEFAULT, SMALL);
        var b = new TrainingFeed(Recipe.DEFAULT, SMALL);
        a.shuffle();
        b.shuffle();
        for (int i = 0; i < a.batchesPerEpoch(); i++) {
            assertThat(a.batch(i).pixels()).containsExactly(b.batch(i).pixels());
        }
    }

    @Test
    void imagesAreScaledToZeroToOne() {
        var feed = new TrainingFeed(Recipe.SEED, SMALL);
        feed.shuffle();
        for (float value : feed.batch(0).pixels()) {
            assertThat(value).isBetween(0f, 1f);
        }
    }
}
