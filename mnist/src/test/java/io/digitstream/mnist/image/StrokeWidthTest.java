package io.digitstream.mnist.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StrokeWidthTest {
    private static final int SIDE = 120;
    private static final int FINE = 4;

    @Test
    void aRingMeasuresItsOwnWidth() {
        for (double width : new double[] {4, 8, 16}) {
            assertThat(StrokeWidth.of(ring(width), SIDE, SIDE))
                    .as("ring %s pixels wide", width)
                    .isCloseTo(width, within(0.1 * width));
        }
    }

    @Test
    void aStrokeAsWideAsMnistsIsLeftAlone() {
        float[] image = ring(StrokeWidth.MNIST_MEDIAN * FINE);

        assertThat(StrokeWidth.thinned(image, SIDE, SIDE, FINE)).isSameAs(image);
    }

    @Test
    void aMarkersStrokeIsThinnedToMnistsWidth() {
        float[] marker = ring(2.5 * StrokeWidth.MNIST_MEDIAN * FINE);

        float[] thinned = StrokeWidth.thinned(marker, SIDE, SIDE, FINE);

        assertThat(StrokeWidth.of(thinned, SIDE, SIDE) / FINE)
                .isCloseTo(StrokeWidth.MNIST_MEDIAN, within(0.15 * StrokeWidth.MNIST_MEDIAN));
        assertThat(max(thinned))
                .as("the thinned ink is stretched to full strength")
                .isEqualTo(1f);
    }

    /** An anti-aliased ring (a "0" with no ends) of the given width, centred in the image. */
    static float[] ring(double width) {
        float[] image = new float[SIDE * SIDE];
        double outer = SIDE * 0.4;
        double inner = outer - width;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double r = Math.hypot(x + 0.5 - SIDE / 2.0, y + 0.5 - SIDE / 2.0);
                double coverage = Math.min(1, Math.max(0, outer - r + 0.5)) * Math.min(1, Math.max(0, r - inner + 0.5));
                image[y * SIDE + x] = (float) coverage;
            }
        }
        return image;
    }

    private static float max(float[] image) {
        float max = 0;
        for (float v : image) {
            max = Math.max(max, v);
        }
        return max;
    }
}
