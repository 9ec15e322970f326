package io.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.schemas.Mnist;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private final byte[] pixels = MnistFixture.train().rawPixels();

    @Test
    void noDistortionGivesThePixelsScaledToUnitRange() {
        float[] out = new float[Mnist.PIXELS];
        new Augmentation(0, 0, 0).apply(pixels, 0, out, 0, new Random(1));
        for (int i = 0; i < Mnist.PIXELS; i++) {
            assertThat(out[i]).isCloseTo((pixels[i] & 0xFF) / 255f, within(1e-6f));
        }
    }

    @Test
    void distortedDigitsKeepTheirInkAndDifferFromTheOriginal() {
        var augmentation = Recipe.DEFAULT.augmentation();
        var random = new Random(7);
        for (int image = 0; image < 50; image++) {
            float[] out = new float[Mnist.PIXELS];
            augmentation.apply(pixels, image * Mnist.PIXELS, out, 0, random);
            double ink = 0;
            double original = 0;
            double changed = 0;
            for (int i = 0; i < Mnist.PIXELS; i++) {
                float before = (pixels[image * Mnist.PIXELS + i] & 0xFF) / 255f;
                ink += out[i];
                original += before;
                changed += Math.abs(out[i] - before);
                assertThat(out[i]).isBetween(0f, 1f);
            }
            // up to 10 % larger or smaller: the ink changes by the square of that, at most ~21 %, plus blur
            assertThat(ink / original).isBetween(0.7, 1.3);
            assertThat(changed).isGreaterThan(0);
        }
    }

    @Test
    void theSameSeedGivesTheSameDistortions() {
        float[] first = new float[Mnist.PIXELS];
        float[] second = new float[Mnist.PIXELS];
        Recipe.DEFAULT.augmentation().apply(pixels, 0, first, 0, new Random(3));
        Recipe.DEFAULT.augmentation().apply(pixels, 0, second, 0, new Random(3));
        assertThat(first).containsExactly(second);
    }
}
