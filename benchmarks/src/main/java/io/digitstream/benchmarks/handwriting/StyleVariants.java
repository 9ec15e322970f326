package io.digitstream.benchmarks.handwriting;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.Mnist;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * MNIST test digits drawn again the ways people's digits differ from MNIST's: a thicker or a
 * thinner pen, a blur, a low resolution, a slant. Each is rendered at twice MNIST's resolution and
 * then goes through the classifier's own preprocessing ({@link MnistStyle}), as a user's PNG would;
 * the labels stay the MNIST labels. These renderings are written independently of the trainer's
 * augmentation (other operators, other sizes), so the default recipe is not scored on its own
 * training distortions.
 */
public final class StyleVariants {
    /** Rendering resolution: twice MNIST's, so a pen can change by half a pixel of the 28x28 result. */
    private static final int SIDE = 2 * Mnist.SIDE;

    private StyleVariants() {}

    /**
     * The test set as it is, then each variant of it, in a fixed order. A variant image the
     * preprocessing refuses (no ink left) keeps a blank image, which no model gets right.
     */
    public static Map<String, MnistDataset> of(MnistDataset test) {
        Map<String, MnistDataset> sets = new LinkedHashMap<>();
        sets.put("MNIST test", test);
        sets.put("thick pen", rendered(test, image -> dilate(image, 2)));
        sets.put("thin pen", rendered(test, image -> erode(image, 1)));
        sets.put("blurred", rendered(test, image -> gaussian(image, 2.0)));
        sets.put("slanted 20°", rendered(test, image -> slant(image, 20)));
        sets.put("8x8, scaled up", lowResolution(test, 8));
        return sets;
    }

    private static MnistDataset rendered(MnistDataset test, UnaryOperator<float[]> variation) {
        byte[] pixels = new byte[test.size() * Mnist.PIXELS];
        for (int i = 0; i < test.size(); i++) {
            float[] varied = variation.apply(upscale(test.image(i)));
            System.arraycopy(preprocessed(varied, SIDE), 0, pixels, i * Mnist.PIXELS, Mnist.PIXELS);
        }
        return new MnistDataset(pixels, test.rawLabels());
    }

    /** Each digit averaged down to {@code side} pixels a side: the image a user sends is that small. */
    private static MnistDataset lowResolution(MnistDataset test, int side) {
        byte[] pixels = new byte[test.size() * Mnist.PIXELS];
        double cell = (double) Mnist.SIDE / side;
        for (int i = 0; i < test.size(); i++) {
            byte[] image = test.image(i);
            float[] small = new float[side * side];
            float[] weight = new float[side * side];
            for (int y = 0; y < Mnist.SIDE; y++) {
                for (int x = 0; x < Mnist.SIDE; x++) {
                    int cellIndex = (int) ((y + 0.5) / cell) * side + (int) ((x + 0.5) / cell);
                    small[cellIndex] += (image[y * Mnist.SIDE + x] & 0xFF) / 255f;
                    weight[cellIndex]++;
                }
            }
            for (int c = 0; c < small.length; c++) {
                small[c] /= weight[c];
            }
            System.arraycopy(preprocessed(small, side), 0, pixels, i * Mnist.PIXELS, Mnist.PIXELS);
        }
        return new MnistDataset(pixels, test.rawLabels());
    }

    /** What the classifier makes of this grey image (ink 1, background 0); blank if it refuses it. */
    private static byte[] preprocessed(float[] image, int side) {
        var grey = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        var raster = grey.getRaster();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                raster.setSample(x, y, 0, Math.round(255 * Math.min(1f, Math.max(0f, image[y * side + x]))));
            }
        }
        return orBlank(MnistStyle.fromImage(grey));
    }

    /** The preprocessed pixels, or a blank image where the preprocessing refused the image. */
    static byte[] orBlank(Decoded<byte[]> preprocessed) {
        return preprocessed instanceof Decoded.Valid<byte[]> valid ? valid.value() : new byte[Mnist.PIXELS];
    }

    private static float[] upscale(byte[] image) {
        float[] out = new float[SIDE * SIDE];
        double ratio = (double) Mnist.SIDE / SIDE;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double sx = (x + 0.5) * ratio - 0.5;
                double sy = (y + 0.5) * ratio - 0.5;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                out[y * SIDE + x] = (float) ((1 - fy) * ((1 - fx) * grey(image, x0, y0) + fx * grey(image, x0 + 1, y0))
                        + fy * ((1 - fx) * grey(image, x0, y0 + 1) + fx * grey(image, x0 + 1, y0 + 1)));
            }
        }
        return out;
    }

    private static double grey(byte[] image, int x, int y) {
        return x < 0 || y < 0 || x >= Mnist.SIDE || y >= Mnist.SIDE ? 0 : (image[y * Mnist.SIDE + x] & 0xFF) / 255.0;
    }

    /** The brightest value within a disk of {@code radius}: a wider pen. */
    static float[] dilate(float[] image, int radius) {
        return morphology(image, radius, true);
    }

    /** The darkest value within a disk of {@code radius}: a narrower pen. */
    static float[] erode(float[] image, int radius) {
        return morphology(image, radius, false);
    }

    private static float[] morphology(float[] image, int radius, boolean brightest) {
        float[] out = new float[image.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                float best = brightest ? 0f : 1f;
                for (int dy = -radius; dy <= radius; dy++) {
                    for (int dx = -radius; dx <= radius; dx++) {
                        if (dx * dx + dy * dy > radius * radius) {
                            continue;
                        }
                        float v = at(image, x + dx, y + dy);
                        best = brightest ? Math.max(best, v) : Math.min(best, v);
                    }
                }
                out[y * SIDE + x] = best;
            }
        }
        return out;
    }

    static float[] gaussian(float[] image, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        float[] rows = new float[image.length];
        float[] out = new float[image.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = 0;
                for (int i = -radius; i <= radius; i++) {
                    v += kernel[i + radius] * at(image, x + i, y);
                }
                rows[y * SIDE + x] = (float) (v / sum);
            }
        }
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = 0;
                for (int i = -radius; i <= radius; i++) {
                    v += kernel[i + radius] * at(rows, x, y + i);
                }
                out[y * SIDE + x] = (float) (v / sum);
            }
        }
        return out;
    }

    /** The top of the digit moved right by {@code degrees}, the bottom left: handwriting's lean. */
    static float[] slant(float[] image, double degrees) {
        double shear = Math.tan(Math.toRadians(degrees));
        double centre = (SIDE - 1) / 2.0;
        float[] out = new float[image.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double sx = x + shear * (y - centre);
                int x0 = (int) Math.floor(sx);
                double fx = sx - x0;
                out[y * SIDE + x] = (float) ((1 - fx) * at(image, x0, y) + fx * at(image, x0 + 1, y));
            }
        }
        return out;
    }

    private static float at(float[] image, int x, int y) {
        return x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : image[y * SIDE + x];
    }
}
