package io.digitstream.trainer.training;

import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;
import java.util.Random;

/**
 * Random small affine distortions of a training image (rotation, scale, shift about the centre),
 * sampled bilinearly: the network learns that a digit's exact pose does not matter. Deterministic
 * for a given {@link Random}.
 *
 * @param maxShift   pixels, in each direction
 * @param maxDegrees rotation either way
 * @param maxScale   relative change of size either way (0.1 = 90 % to 110 %)
 */
record Augmentation(double maxShift, double maxDegrees, double maxScale) {
    private static final double CENTRE = (Mnist.SIDE - 1) / 2.0;

    boolean isNone() {
        return maxShift == 0 && maxDegrees == 0 && maxScale == 0;
    }

    /** Writes one distorted copy of {@code pixels[source ..]}, scaled to [0,1], into {@code out[target ..]}. */
    void apply(byte[] pixels, int source, float[] out, int target, Random random) {
        double angle = Math.toRadians(uniform(random, maxDegrees));
        double scale = 1 + uniform(random, maxScale);
        double dx = uniform(random, maxShift);
        double dy = uniform(random, maxShift);
        // inverse map: for each output pixel, where it comes from in the source image
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        for (int y = 0; y < Mnist.SIDE; y++) {
            for (int x = 0; x < Mnist.SIDE; x++) {
                double u = x - CENTRE - dx;
                double v = y - CENTRE - dy;
                double sx = cos * u + sin * v + CENTRE;
                double sy = -sin * u + cos * v + CENTRE;
                out[target + y * Mnist.SIDE + x] = MnistTranslator.input(bilinear(pixels, source, sx, sy));
            }
        }
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
        return x < 0 || y < 0 || x >= Mnist.SIDE || y >= Mnist.SIDE ? 0 : pixels[source + y * Mnist.SIDE + x] & 0xFF;
    }
}
