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
    private final byte[] labels = MnistFixture.train().rawLabels();

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
        Augmentation.NONE.apply(pixels, 0, 5, out, 0, new Random(1));
        assertThat(out).containsExactly(original(0), within(1e-6f));
    }

    @Test
    void variedDigitsKeepMostOfTheirInkAndDifferFromTheOriginal() {
        var random = new Random(7);
        for (int image = 0; image < 100; image++) {
            float[] out = new float[Mnist.PIXELS];
            Recipe.DEFAULT.augmentation().apply(pixels, image * Mnist.PIXELS, labels[image] & 0xFF, out, 0, random);
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
        var penOnly = new Augmentation(0, 0, 0, 0, 1, 0, 0, 0);
        var random = new Random(11);
        int thicker = 0;
        int thinner = 0;
        for (int image = 0; image < 20; image++) {
            float[] out = new float[Mnist.PIXELS];
            penOnly.apply(pixels, image * Mnist.PIXELS, 5, out, 0, random);
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
        var blurOnly = new Augmentation(0, 0, 0, 0, 0, 1, 0, 0);
        float[] out = new float[Mnist.PIXELS];
        blurOnly.apply(pixels, 5 * Mnist.PIXELS, 5, out, 0, new Random(1));
        float max = 0;
        for (float v : out) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void otherHandsCrossSevensAndFlagOnesAndLeaveOtherDigitsAlone() {
        var random = new Random(4);
        int sevens = 0;
        int ones = 0;
        for (int image = 0; image < 200 && (sevens < 5 || ones < 5); image++) {
            int digit = labels[image] & 0xFF;
            float[] before = original(image);
            float[] after = before.clone();
            WritingStyles.restyle(after, digit, random);
            if (digit == 7) {
                sevens++;
                // the bar: more ink in the digit's middle rows, none taken away anywhere
                assertThat(ink(rows(after, 11, 19))).as("7 at %d", image).isGreaterThan(ink(rows(before, 11, 19)) + 3);
            } else if (digit == 1) {
                ones++;
                // the flag: ink left of where the stroke starts, in the rows below its start
                int top = firstInkedRow(before);
                int start = (int) Math.round(inkCentre(before, top)) - 1;
                assertThat(ink(leftOf(after, start, top, top + 7)))
                        .as("1 at %d", image)
                        .isGreaterThan(ink(leftOf(before, start, top, top + 7)) + 1.5);
            } else {
                assertThat(after).containsExactly(before);
            }
            for (int i = 0; i < Mnist.PIXELS; i++) {
                assertThat(after[i]).isGreaterThanOrEqualTo(before[i]);
            }
        }
        assertThat(sevens).isGreaterThanOrEqualTo(5);
        assertThat(ones).isGreaterThanOrEqualTo(5);
    }

    private static float[] rows(float[] image, int from, int to) {
        float[] out = new float[Mnist.PIXELS];
        System.arraycopy(image, from * Mnist.SIDE, out, from * Mnist.SIDE, (to - from) * Mnist.SIDE);
        return out;
    }

    private static int firstInkedRow(float[] image) {
        for (int i = 0; i < Mnist.PIXELS; i++) {
            if (image[i] > 0.3f) {
                return i / Mnist.SIDE;
            }
        }
        throw new AssertionError("no ink");
    }

    private static double inkCentre(float[] image, int row) {
        double column = 0;
        double weight = 0;
        for (int x = 0; x < Mnist.SIDE; x++) {
            float v = image[row * Mnist.SIDE + x];
            if (v > 0.3f) {
                column += v * x;
                weight += v;
            }
        }
        return column / weight;
    }

    /** The ink of rows {@code from..to} left of {@code column}. */
    private static float[] leftOf(float[] image, int column, int from, int to) {
        float[] out = new float[Mnist.PIXELS];
        for (int y = from; y < to; y++) {
            for (int x = 0; x < column; x++) {
                out[y * Mnist.SIDE + x] = image[y * Mnist.SIDE + x];
            }
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameVariations() {
        float[] first = new float[Mnist.PIXELS];
        float[] second = new float[Mnist.PIXELS];
        Recipe.DEFAULT.augmentation().apply(pixels, 0, 5, first, 0, new Random(3));
        Recipe.DEFAULT.augmentation().apply(pixels, 0, 5, second, 0, new Random(3));
        assertThat(first).containsExactly(second);
    }

    @Test
    void refusesProbabilitiesOutsideZeroToOne() {
        assertThatThrownBy(() -> new Augmentation(0, 0, 0, 0, 1.5, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Augmentation(0, 0, 1, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
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
