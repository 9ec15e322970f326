package io.digitstream.trainer.training;

import io.digitstream.schemas.Mnist;
import java.util.Random;

/**
 * Strokes that many hands add and MNIST's writers (American census staff and students) rarely
 * did: a bar across the stem of a 7, and a flag on a 1, often with a foot, as taught across much
 * of Europe and elsewhere. Drawn onto an MNIST digit where its own stroke is, with a pen of its
 * width, so a network learns these are still a 7 and a 1 instead of a 3, a 4 or a 9.
 */
final class WritingStyles {
    private static final int SIDE = Mnist.SIDE;
    private static final float INK = 0.3f;

    private WritingStyles() {}

    /** Adds one of the digit's other styles to {@code image} in place; other digits stay as they are. */
    static void restyle(float[] image, int digit, Random random) {
        int top = -1;
        int bottom = -1;
        for (int y = 0; y < SIDE; y++) {
            if (rowInk(image, y) > 0) {
                top = top < 0 ? y : top;
                bottom = y;
            }
        }
        if (top < 0 || bottom - top < 8) {
            return; // too little of a digit to find its stem
        }
        float pen = 1.6f + 0.9f * random.nextFloat();
        float ink = strongest(image);
        switch (digit) {
            case 7 -> {
                int y = top + (int) Math.round((bottom - top) * (0.5 + 0.12 * random.nextDouble()));
                double x = centre(image, y);
                double half = 2.5 + 2.0 * random.nextDouble();
                double tilt = 0.8 * (random.nextDouble() * 2 - 1);
                segment(image, x - half, y + tilt, x + half, y - tilt, pen, ink);
            }
            case 1 -> {
                double x = centre(image, top);
                double length = 3 + 3 * random.nextDouble();
                double angle = Math.toRadians(25 + 35 * random.nextDouble()); // below the horizontal, to the left
                segment(image, x, top, x - length * Math.cos(angle), top + length * Math.sin(angle), pen, ink);
                if (random.nextBoolean()) {
                    double foot = 2.5 + 2 * random.nextDouble();
                    double base = centre(image, bottom);
                    segment(image, base - foot, bottom, base + foot, bottom, pen, ink);
                }
            }
            default -> {}
        }
    }

    private static int rowInk(float[] image, int y) {
        int count = 0;
        for (int x = 0; x < SIDE; x++) {
            count += image[y * SIDE + x] > INK ? 1 : 0;
        }
        return count;
    }

    /** Where the ink of row {@code y} is, weighted by its strength. */
    private static double centre(float[] image, int y) {
        double sum = 0;
        double weighted = 0;
        for (int x = 0; x < SIDE; x++) {
            float v = image[y * SIDE + x];
            if (v > INK) {
                sum += v;
                weighted += v * x;
            }
        }
        return sum == 0 ? (SIDE - 1) / 2.0 : weighted / sum;
    }

    private static float strongest(float[] image) {
        float max = 0;
        for (float v : image) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** A stroke from (x0, y0) to (x1, y1), {@code width} pixels wide with soft edges, over what is there. */
    static void segment(float[] image, double x0, double y0, double x1, double y1, float width, float ink) {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double lengthSquared = dx * dx + dy * dy;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double t = lengthSquared == 0 ? 0 : ((x - x0) * dx + (y - y0) * dy) / lengthSquared;
                t = Math.max(0, Math.min(1, t));
                double distance = Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
                float coverage = (float) Math.max(0, Math.min(1, width / 2 + 0.5 - distance));
                int i = y * SIDE + x;
                image[i] = Math.max(image[i], ink * coverage);
            }
        }
    }
}
