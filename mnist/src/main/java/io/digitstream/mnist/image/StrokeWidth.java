package io.digitstream.mnist.image;

/**
 * The width of a digit's strokes, and a thinning of strokes much wider than MNIST's. A thick
 * marker, a blurred photo and a low-resolution scan scaled up all give strokes twice as wide as
 * MNIST's pens, and the network reads them worse (the handwriting benchmarks' weakest styles).
 *
 * <p>The width is the ink's mass over half its perimeter, both taken over every grey level at
 * once (mass is the sum of the grey values; the perimeter is the sum of the gradient's magnitude,
 * which by the coarea formula is the grey-weighted perimeter of every level set). A stroke of
 * length L and width w has mass Lw and perimeter 2L, whatever its shape, so no skeleton is needed.
 */
final class StrokeWidth {
    /**
     * MNIST's median stroke width in pixels of its 20-pixel digits, as {@link #of} measures it on
     * its 60,000 training digits fitted four times finer (p5 2.06, p95 4.04; the StrokeWidths
     * benchmark prints them).
     */
    static final double MNIST_MEDIAN = 2.8;
    /** Wider than this many times MNIST's median is thinned: above MNIST's own widest twentieth. */
    static final double THINNED_ABOVE = 1.5;

    private StrokeWidth() {}

    /** The mean stroke width of a grey image (ink 1, background 0), in its own pixels; 0 if blank. */
    static double of(float[] image, int width, int height) {
        double mass = 0;
        double perimeter = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = image[y * width + x];
                float right = x + 1 < width ? image[y * width + x + 1] : 0;
                float below = y + 1 < height ? image[(y + 1) * width + x] : 0;
                // the image's left and top edges: ink touching them has a border there too
                float left = x == 0 ? v : 0;
                float above = y == 0 ? v : 0;
                mass += v;
                perimeter += Math.hypot(right - v, below - v) + left + above;
            }
        }
        return perimeter == 0 ? 0 : 2 * mass / perimeter;
    }

    /**
     * The image with strokes wider than {@link #THINNED_ABOVE} times MNIST's median thinned to MNIST's
     * median by a grey erosion (each pixel the darkest within a disk), which narrows every grey level by
     * the disk's diameter; {@code pixelsPerMnistPixel} says how finely the image is drawn. The image
     * itself (the same array) when its strokes are not that wide.
     */
    static float[] thinned(float[] image, int width, int height, double pixelsPerMnistPixel) {
        double measured = of(image, width, height) / pixelsPerMnistPixel;
        if (measured <= THINNED_ABOVE * MNIST_MEDIAN) {
            return image;
        }
        double radius = (measured - MNIST_MEDIAN) / 2 * pixelsPerMnistPixel;
        return eroded(image, width, height, radius);
    }

    private static float[] eroded(float[] image, int width, int height, double radius) {
        int reach = (int) Math.floor(radius);
        double limit = radius * radius;
        float[] out = new float[image.length];
        float max = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float darkest = 1;
                for (int dy = -reach; dy <= reach && darkest > 0; dy++) {
                    for (int dx = -reach; dx <= reach; dx++) {
                        if (dx * dx + dy * dy > limit) {
                            continue;
                        }
                        int sx = x + dx;
                        int sy = y + dy;
                        float v = sx < 0 || sy < 0 || sx >= width || sy >= height ? 0 : image[sy * width + sx];
                        darkest = Math.min(darkest, v);
                    }
                }
                out[y * width + x] = darkest;
                max = Math.max(max, darkest);
            }
        }
        if (max > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= max;
            }
        }
        return out;
    }
}
