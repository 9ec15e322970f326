package io.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.schemas.Mnist;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private final byte[] pixels = MnistFixture.train().rawPixels();

    private float[] original(int image) {
        float[] out = new float[Mnist.PIXELS];
        for (int i = 0; i < Mnist.PIXELS; i++) {
            out[i] = (pixels[image * Mnist.PIXELS + i] & 0xFF) / 255f;
        }
        return out;
    }

    private static double ink(float[] image) {
        double sum = 0;
        for (float v : image) {
            sum += v;
        }
        return sum;
    }

    private static int inked(float[] image) {
        int count = 0;
        for (float v : image) {
            count += v > 0.25f ? 1 : 0;
        }
        return count;
    }

    @Test
    void noVariationGivesThePixelsScaledToUnitRange() {
        float[] out = new float[Mnist.PIXELS];
        Augmentation.NONE.apply(pixels, 0, out, 0, new Random(1));
        assertThat(out).containsExactly(original(0), within(1e-6f));
    }

    @Test
    void variedDigitsKeepMostOfTheirInkAndDifferFromTheOriginal() {
        var random = new Random(7);
        for (int image = 0; image < 100; image++) {
            float[] out = new float[Mnist.PIXELS];
            Recipe.DEFAULT.augmentation().apply(pixels, image * Mnist.PIXELS, out, 0, random);
            float[] before = original(image);
            double changed = 0;
            for (int i = 0; i < Mnist.PIXELS; i++) {
                changed += Math.abs(out[i] - before[i]);
                assertThat(out[i]).isBetween(0f, 1f);
            }
            // a thinner pen and a smaller size can halve the ink, a thicker one and blur double it
            assertThat(ink(out) / ink(before)).isBetween(0.35, 3.0);
            assertThat(changed).isGreaterThan(0);
        }
    }

    @Test
    void aPenChangeMakesStrokesThickerOrThinner() {
        float[] digit = original(5);
        assertThat(inked(Augmentation.thicker(digit, 1f))).isGreaterThan(inked(digit));
        assertThat(inked(Augmentation.thinner(digit, 1f))).isLessThan(inked(digit));
        // a partial change lies in between
        assertThat(ink(Augmentation.thicker(digit, 0.5f)))
                .isStrictlyBetween(ink(digit), ink(Augmentation.thicker(digit, 1f)));

        // with the change certain and no other variation, both directions happen over a few images
        var penOnly = new Augmentation(0, 0, 0, 0, 1, 0, 0);
        var random = new Random(11);
        int thicker = 0;
        int thinner = 0;
        for (int image = 0; image < 20; image++) {
            float[] out = new float[Mnist.PIXELS];
            penOnly.apply(pixels, image * Mnist.PIXELS, out, 0, random);
            int before = inked(original(image));
            thicker += inked(out) > before ? 1 : 0;
            thinner += inked(out) < before ? 1 : 0;
        }
        assertThat(thicker).isPositive();
        assertThat(thinner).isPositive();
    }

    @Test
    void blurAndLowResolutionSpreadTheInkButKeepTheDigit() {
        float[] digit = original(5);
        for (float[] changed : new float[][] {Augmentation.blurred(digit), Augmentation.lowResolution(digit, 8)}) {
            int faint = 0;
            int faintBefore = 0;
            for (int i = 0; i < Mnist.PIXELS; i++) {
                faint += changed[i] > 0.01f ? 1 : 0;
                faintBefore += digit[i] > 0.01f ? 1 : 0;
            }
            assertThat(faint).isGreaterThan(faintBefore);
            assertThat(correlation(digit, changed)).isGreaterThan(0.7);
        }
        assertThat(ink(Augmentation.blurred(digit))).isCloseTo(ink(digit), within(ink(digit) * 0.05));
    }

    @Test
    void aDrawingVariationStretchesTheStrongestInkToFullAsTheClassifiersPreprocessingDoes() {
        var blurOnly = new Augmentation(0, 0, 0, 0, 0, 1, 0);
        float[] out = new float[Mnist.PIXELS];
        blurOnly.apply(pixels, 5 * Mnist.PIXELS, out, 0, new Random(1));
        float max = 0;
        for (float v : out) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void theSameSeedGivesTheSameVariations() {
        float[] first = new float[Mnist.PIXELS];
        float[] second = new float[Mnist.PIXELS];
        Recipe.DEFAULT.augmentation().apply(pixels, 0, first, 0, new Random(3));
        Recipe.DEFAULT.augmentation().apply(pixels, 0, second, 0, new Random(3));
        assertThat(first).containsExactly(second);
    }

    @Test
    void refusesProbabilitiesOutsideZeroToOne() {
        assertThatThrownBy(() -> new Augmentation(0, 0, 0, 0, 1.5, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Augmentation(0, 0, 1, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double correlation(float[] a, float[] b) {
        double ma = ink(a) / a.length;
        double mb = ink(b) / b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}
