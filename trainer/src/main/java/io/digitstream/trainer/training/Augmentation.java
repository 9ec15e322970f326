package io.digitstream.trainer.training;

import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;
import java.util.Random;

/**
 * Random variations of a training image, so the network learns what does not matter about a digit.
 * Two kinds: its pose (a small affine distortion: rotation, size, slant, shift about the centre,
 * sampled bilinearly), and how it was drawn, which is where people's digits differ most from
 * MNIST's (a thicker or thinner pen, a blurred photo, a low-resolution image scaled up). Each
 * drawing variation happens to an image with its own probability, so most images stay close to
 * MNIST's look. Deterministic for a given {@link Random}.
 *
 * @param maxShift        pixels, in each direction
 * @param maxDegrees      rotation either way
 * @param maxScale        relative change of size either way (0.1 = 90 % to 110 %)
 * @param maxSlantDegrees slant (horizontal shear) either way
 * @param penChange       probability of a thicker (two in three) or a thinner stroke, by a random amount
 * @param blur            probability of a blur (a 3x3 binomial kernel)
 * @param lowResolution   probability of being brought down to {@link #LOW_RESOLUTION_MIN}..{@link
 *                        #LOW_RESOLUTION_MAX} pixels a side and scaled back up
 * @param otherHands      probability that a 7 gets a bar or a 1 a flag ({@link WritingStyles})
 */
public record Augmentation(
        double maxShift,
        double maxDegrees,
        double maxScale,
        double maxSlantDegrees,
        double penChange,
        double blur,
        double lowResolution,
        double otherHands) {

    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0, 0, 0, 0);

    static final int LOW_RESOLUTION_MIN = 6;
    static final int LOW_RESOLUTION_MAX = 16;
    private static final double CENTRE = (Mnist.SIDE - 1) / 2.0;
    private static final int SIDE = Mnist.SIDE;

    public Augmentation {
        if (maxShift < 0 || maxDegrees < 0 || maxScale < 0 || maxScale >= 1 || maxSlantDegrees < 0) {
            throw new IllegalArgumentException("invalid pose variation");
        }
        for (double p : new double[] {penChange, blur, lowResolution, otherHands}) {
            if (p < 0 || p > 1) {
                throw new IllegalArgumentException("a probability must be 0..1, not " + p);
            }
        }
    }

    boolean isNone() {
        return equals(NONE);
    }

    /**
     * Writes one varied copy of {@code pixels[source ..]}, an image of {@code digit}, scaled to
     * [0,1], into {@code out[target ..]}.
     */
    void apply(byte[] pixels, int source, int digit, float[] out, int target, Random random) {
        float[] image = pose(pixels, source, random);
        if (random.nextDouble() < otherHands) {
            WritingStyles.restyle(image, digit, random);
        }
        boolean drawnDifferently = false;
        if (random.nextDouble() < penChange) {
            // MNIST's strokes are thin already: a thinner pen is rarer and milder than a thicker one
            boolean thicker = random.nextInt(3) > 0;
            float strength = thicker ? 0.4f + 0.6f * random.nextFloat() : 0.3f + 0.3f * random.nextFloat();
            image = thicker ? thicker(image, strength) : thinner(image, strength);
            drawnDifferently = true;
        }
        if (random.nextDouble() < blur) {
            image = blurred(image);
            drawnDifferently = true;
        }
        if (random.nextDouble() < lowResolution) {
            image = lowResolution(
                    image, LOW_RESOLUTION_MIN + random.nextInt(LOW_RESOLUTION_MAX - LOW_RESOLUTION_MIN + 1));
            drawnDifferently = true;
        }
        if (drawnDifferently) {
            // the classifier's preprocessing stretches the strongest ink to full: so does training
            stretchToFullInk(image);
        }
        System.arraycopy(image, 0, out, target, Mnist.PIXELS);
    }

    private float[] pose(byte[] pixels, int source, Random random) {
        double angle = Math.toRadians(uniform(random, maxDegrees));
        double scale = 1 + uniform(random, maxScale);
        double dx = uniform(random, maxShift);
        double dy = uniform(random, maxShift);
        double slant = Math.tan(Math.toRadians(uniform(random, maxSlantDegrees)));
        // inverse map: for each output pixel, where it comes from in the source image
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        float[] image = new float[Mnist.PIXELS];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = y - CENTRE - dy;
                double u = x - CENTRE - dx - slant * v; // a slant moves the top of a digit sideways
                double sx = cos * u + sin * v + CENTRE;
                double sy = -sin * u + cos * v + CENTRE;
                image[y * SIDE + x] = MnistTranslator.input(bilinear(pixels, source, sx, sy));
            }
        }
        return image;
    }

    /** Towards the brightest of each pixel's cross-shaped neighbourhood: a wider pen. */
    static float[] thicker(float[] image, float strength) {
        return towardsNeighbours(image, strength, Math::max);
    }

    /** Towards the darkest of each pixel's cross-shaped neighbourhood: a narrower pen. */
    static float[] thinner(float[] image, float strength) {
        return towardsNeighbours(image, strength, Math::min);
    }

    /** Which of two pixel values a pen keeps. */
    private interface Pick {
        float of(float a, float b);
    }

    /** Each pixel moved by {@code strength} towards the value {@code pick} keeps of it and its four neighbours. */
    private static float[] towardsNeighbours(float[] image, float strength, Pick pick) {
        float[] out = new float[image.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                float here = image[y * SIDE + x];
                float kept = pick.of(
                        pick.of(here, at(image, x - 1, y)),
                        pick.of(pick.of(at(image, x + 1, y), at(image, x, y - 1)), at(image, x, y + 1)));
                out[y * SIDE + x] = here + strength * (kept - here);
            }
        }
        return out;
    }

    /** A 3x3 binomial blur ([1 2 1] / 4 each way). */
    static float[] blurred(float[] image) {
        float[] rows = new float[image.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                rows[y * SIDE + x] = (at(image, x - 1, y) + 2 * image[y * SIDE + x] + at(image, x + 1, y)) / 4;
            }
        }
        float[] out = new float[image.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                out[y * SIDE + x] = (at(rows, x, y - 1) + 2 * rows[y * SIDE + x] + at(rows, x, y + 1)) / 4;
            }
        }
        return out;
    }

    /** Averaged down to {@code side} pixels a side, then bilinearly back up: what a small photo looks like. */
    static float[] lowResolution(float[] image, int side) {
        float[] small = new float[side * side];
        float[] weight = new float[side * side];
        double cell = (double) SIDE / side;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int i = (int) ((y + 0.5) / cell) * side + (int) ((x + 0.5) / cell);
                small[i] += image[y * SIDE + x];
                weight[i]++;
            }
        }
        for (int i = 0; i < small.length; i++) {
            small[i] = weight[i] == 0 ? 0 : small[i] / weight[i];
        }
        float[] out = new float[image.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double sx = Math.min(side - 1, Math.max(0, (x + 0.5) / cell - 0.5));
                double sy = Math.min(side - 1, Math.max(0, (y + 0.5) / cell - 0.5));
                int x0 = (int) sx;
                int y0 = (int) sy;
                int x1 = Math.min(side - 1, x0 + 1);
                int y1 = Math.min(side - 1, y0 + 1);
                double fx = sx - x0;
                double fy = sy - y0;
                out[y * SIDE + x] = (float) ((1 - fy) * ((1 - fx) * small[y0 * side + x0] + fx * small[y0 * side + x1])
                        + fy * ((1 - fx) * small[y1 * side + x0] + fx * small[y1 * side + x1]));
            }
        }
        return out;
    }

    private static void stretchToFullInk(float[] image) {
        float max = 0;
        for (float v : image) {
            max = Math.max(max, v);
        }
        if (max > 0) {
            for (int i = 0; i < image.length; i++) {
                image[i] = Math.min(1f, image[i] / max);
            }
        }
    }

    private static float at(float[] image, int x, int y) {
        return x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : image[y * SIDE + x];
    }

    private static double uniform(Random random, double max) {
        return max == 0 ? 0 : (2 * random.nextDouble() - 1) * max;
    }

    private static double bilinear(byte[] pixels, int source, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fy) * ((1 - fx) * at(pixels, source, x0, y0) + fx * at(pixels, source, x0 + 1, y0))
                + fy * ((1 - fx) * at(pixels, source, x0, y0 + 1) + fx * at(pixels, source, x0 + 1, y0 + 1));
    }

    private static int at(byte[] pixels, int source, int x, int y) {
        return x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : pixels[source + y * SIDE + x] & 0xFF;
    }
}
