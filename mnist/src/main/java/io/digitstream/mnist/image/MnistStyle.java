package io.digitstream.mnist.image;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Brings any PNG or JPEG to the style of MNIST's digits, the one preprocessing the producer and
 * the classifier share: grey, ink on black, cropped to the ink, fitted into 20x20 with its aspect
 * ratio, and placed in 28x28 so that its centre of mass is the centre (as LeCun et al. made MNIST).
 * Strokes much wider than MNIST's pens are thinned to their width on the way ({@link StrokeWidth}).
 */
public final class MnistStyle {
    /** Smallest side that can hold a recognisable digit. */
    public static final int MIN_SIDE = 8;
    /** Largest side decoded; refusing before decoding keeps a decompression bomb out of memory. */
    public static final int MAX_SIDE = 4096;

    private static final Set<String> ACCEPTED_FORMATS = Set.of("png", "jpeg");
    private static final int FIT = 20;
    private static final int FINE = 4;
    private static final float INK_THRESHOLD = 0.05f;
    /**
     * How many median deviations of the border's luminance still count as paper: about three
     * standard deviations of Gaussian noise (one median deviation is 0.67 of one).
     */
    private static final float PAPER_SPREAD = 4.5f;

    private MnistStyle() {}

    /** Decodes a PNG or JPEG and brings it to MNIST style: 784 grey bytes, ink = 255. */
    public static Decoded<byte[]> fromEncoded(byte[] encoded) {
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return Decoded.invalid(ErrorCode.UNDECODABLE_IMAGE, "'image' is not a PNG or JPEG");
            }
            ImageReader reader = readers.next();
            try {
                // the contract is PNG or JPEG: the JVM's readers of GIF, BMP, TIFF and WBMP are more
                // untrusted-input surface that no documented use needs
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!ACCEPTED_FORMATS.contains(format)) {
                    return Decoded.invalid(
                            ErrorCode.UNDECODABLE_IMAGE,
                            "'image' is a " + format + " image; only PNG and JPEG are read");
                }
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width > MAX_SIDE || height > MAX_SIDE) {
                    return Decoded.invalid(
                            ErrorCode.IMAGE_TOO_LARGE,
                            "the image is " + width + "x" + height + "; the limit is " + MAX_SIDE + " on each side");
                }
                if (width < MIN_SIDE || height < MIN_SIDE) {
                    return Decoded.invalid(
                            ErrorCode.IMAGE_TOO_SMALL,
                            "the image is " + width + "x" + height + "; at least " + MIN_SIDE + "x" + MIN_SIDE
                                    + " is needed");
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Decoded.invalid(ErrorCode.UNDECODABLE_IMAGE, "the image does not decode: " + e.getMessage());
        }
        return fromImage(image);
    }

    public static Decoded<byte[]> fromImage(BufferedImage image) {
        Grey ink = new Grey(inkOnBlack(image), image.getWidth(), image.getHeight());
        Box box = ink.inkBox();
        if (box == null) {
            return Decoded.invalid(ErrorCode.BLANK_IMAGE, "the image holds no ink that stands out from its background");
        }
        // a digit left as drawn is resampled once, from its source: every resampling blurs, and a
        // blurred stroke is a wider one to the network
        Grey fitted = ink.fitted(box, FIT);
        Grey fine = ink.fitted(box, FIT * FINE);
        float[] thinnedPixels = StrokeWidth.thinned(fine.pixels(), fine.width(), fine.height(), FINE);
        if (thinnedPixels != fine.pixels()) {
            Grey thinned = new Grey(thinnedPixels, fine.width(), fine.height());
            Box thinnedBox = thinned.inkBox();
            if (thinnedBox != null) {
                fitted = thinned.fitted(thinnedBox, FIT);
            }
        }
        int fittedWidth = fitted.width();
        int fittedHeight = fitted.height();

        // place by centre of mass
        double mass = 0;
        double cx = 0;
        double cy = 0;
        for (int y = 0; y < fittedHeight; y++) {
            for (int x = 0; x < fittedWidth; x++) {
                float v = fitted.pixels()[y * fittedWidth + x];
                mass += v;
                cx += v * (x + 0.5);
                cy += v * (y + 0.5);
            }
        }
        int offsetX = clamp((int) Math.round(Mnist.SIDE / 2.0 + 0.5 - cx / mass), 0, Mnist.SIDE - fittedWidth);
        int offsetY = clamp((int) Math.round(Mnist.SIDE / 2.0 + 0.5 - cy / mass), 0, Mnist.SIDE - fittedHeight);

        byte[] out = new byte[Mnist.PIXELS];
        for (int y = 0; y < fittedHeight; y++) {
            for (int x = 0; x < fittedWidth; x++) {
                int value = Math.round(Math.min(1f, fitted.pixels()[y * fittedWidth + x]) * 255f);
                out[(y + offsetY) * Mnist.SIDE + x + offsetX] = (byte) value;
            }
        }
        return Decoded.valid(out);
    }

    /**
     * The mean width of the image's strokes in pixels of MNIST's 20-pixel digits, as this
     * preprocessing measures it before thinning; 0 when it holds no ink. The benchmark that derives
     * MNIST's median pen ({@code StrokeWidths}) measures MNIST's own digits with it.
     */
    public static double strokeWidth(BufferedImage image) {
        Grey fine = fineFit(image);
        return fine == null ? 0 : StrokeWidth.of(fine.pixels(), fine.width(), fine.height()) / FINE;
    }

    /**
     * The image's ink cropped and fitted into {@code FINE} times MNIST's 20 pixels, where a
     * stroke's width can change by a fraction of one of MNIST's pixels; null when there is no ink.
     */
    private static Grey fineFit(BufferedImage image) {
        Grey ink = new Grey(inkOnBlack(image), image.getWidth(), image.getHeight());
        Box box = ink.inkBox();
        return box == null ? null : ink.fitted(box, FIT * FINE);
    }

    /** A grey image, row by row, ink 1 and background 0. */
    private record Grey(float[] pixels, int width, int height) {
        /** The bounding box of what counts as ink; null when there is none. */
        Box inkBox() {
            int left = width;
            int right = -1;
            int top = height;
            int bottom = -1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    if (pixels[y * width + x] > INK_THRESHOLD) {
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                    }
                }
            }
            return right < 0 ? null : new Box(left, top, right - left + 1, bottom - top + 1);
        }

        /** What {@code box} holds, fitted into {@code side} with its aspect ratio. */
        Grey fitted(Box box, int side) {
            double scale = (double) side / Math.max(box.width(), box.height());
            int outWidth = Math.max(1, (int) Math.round(box.width() * scale));
            int outHeight = Math.max(1, (int) Math.round(box.height() * scale));
            return new Grey(
                    resample(pixels, width, box.left(), box.top(), box.width(), box.height(), outWidth, outHeight),
                    outWidth,
                    outHeight);
        }
    }

    private record Box(int left, int top, int width, int height) {}

    /**
     * Luminance in 0..1 with ink bright and the background at 0: transparent pixels count as
     * white paper; a light background (judged by the border) is inverted; the paper's level and
     * its unevenness are subtracted and the strongest ink stretched to 1.
     *
     * <p>The paper is the border's median, not its mean: a digit cropped tightly touches the
     * border, and its ink would otherwise darken the paper's level and fade the digit. What the
     * paper varies by (sensor noise, uneven light, JPEG) is taken from the border's median
     * deviation: without it, a scan's grain counts as ink and stretches the bounding box to the
     * whole image, and the digit shrinks to a fraction of MNIST's 20 pixels.
     */
    static float[] inkOnBlack(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] lum = new float[width * height];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                float alpha = (argb >>> 24) / 255f;
                float r = ((argb >> 16) & 0xFF) / 255f;
                float g = ((argb >> 8) & 0xFF) / 255f;
                float b = (argb & 0xFF) / 255f;
                float grey = 0.299f * r + 0.587f * g + 0.114f * b;
                lum[y * width + x] = grey * alpha + (1 - alpha);
            }
        }
        float[] border = border(lum, width, height);
        float paper = median(border);
        boolean lightBackground = paper > 0.5f;
        for (int i = 0; i < border.length; i++) {
            border[i] = Math.abs(border[i] - paper);
        }
        float unevenness = PAPER_SPREAD * median(border);
        float background = lightBackground ? 1 - paper : paper;
        float max = 0;
        for (int i = 0; i < lum.length; i++) {
            float ink = lightBackground ? 1 - lum[i] : lum[i];
            lum[i] = Math.max(0, ink - background - unevenness);
            max = Math.max(max, lum[i]);
        }
        if (max > 0) {
            for (int i = 0; i < lum.length; i++) {
                lum[i] /= max;
            }
        }
        return lum;
    }

    private static float[] border(float[] lum, int width, int height) {
        float[] border = new float[2 * width + 2 * Math.max(0, height - 2)];
        int n = 0;
        for (int x = 0; x < width; x++) {
            border[n++] = lum[x];
            border[n++] = lum[(height - 1) * width + x];
        }
        for (int y = 1; y < height - 1; y++) {
            border[n++] = lum[y * width];
            border[n++] = lum[y * width + width - 1];
        }
        return border;
    }

    private static float median(float[] values) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * A rectangle of {@code src} brought to {@code outW x outH}: area-weighted when it shrinks,
     * bilinear when it grows. A small image (a thumbnail, a low-resolution scan) grown by area
     * would come out in blocks of one source pixel, which no MNIST digit has; bilinear growth
     * gives the soft strokes MNIST's own anti-aliased digits have, and that the training's
     * low-resolution variation shows the network.
     */
    static float[] resample(float[] src, int srcStride, int left, int top, int w, int h, int outW, int outH) {
        return outW > w
                ? bilinear(src, srcStride, left, top, w, h, outW, outH)
                : area(src, srcStride, left, top, w, h, outW, outH);
    }

    private static float[] bilinear(float[] src, int srcStride, int left, int top, int w, int h, int outW, int outH) {
        float[] out = new float[outW * outH];
        double sx = (double) w / outW;
        double sy = (double) h / outH;
        for (int oy = 0; oy < outH; oy++) {
            double y = Math.min(h - 1, Math.max(0, (oy + 0.5) * sy - 0.5));
            int y0 = (int) y;
            int y1 = Math.min(h - 1, y0 + 1);
            double fy = y - y0;
            for (int ox = 0; ox < outW; ox++) {
                double x = Math.min(w - 1, Math.max(0, (ox + 0.5) * sx - 0.5));
                int x0 = (int) x;
                int x1 = Math.min(w - 1, x0 + 1);
                double fx = x - x0;
                double upper = (1 - fx) * src[(top + y0) * srcStride + left + x0]
                        + fx * src[(top + y0) * srcStride + left + x1];
                double lower = (1 - fx) * src[(top + y1) * srcStride + left + x0]
                        + fx * src[(top + y1) * srcStride + left + x1];
                out[oy * outW + ox] = (float) ((1 - fy) * upper + fy * lower);
            }
        }
        return out;
    }

    private static float[] area(float[] src, int srcStride, int left, int top, int w, int h, int outW, int outH) {
        float[] out = new float[outW * outH];
        double sx = (double) w / outW;
        double sy = (double) h / outH;
        for (int oy = 0; oy < outH; oy++) {
            double y0 = oy * sy;
            double y1 = y0 + sy;
            for (int ox = 0; ox < outW; ox++) {
                double x0 = ox * sx;
                double x1 = x0 + sx;
                double sum = 0;
                double area = 0;
                for (int y = (int) y0; y < Math.min(h, Math.ceil(y1)); y++) {
                    double wy = Math.min(y1, y + 1) - Math.max(y0, y);
                    for (int x = (int) x0; x < Math.min(w, Math.ceil(x1)); x++) {
                        double wx = Math.min(x1, x + 1) - Math.max(x0, x);
                        double weight = wx * wy;
                        sum += weight * src[(top + y) * srcStride + left + x];
                        area += weight;
                    }
                }
                out[oy * outW + ox] = area == 0 ? 0 : (float) (sum / area);
            }
        }
        return out;
    }

    /**
     * Draws 784 MNIST pixels as a PNG {@code scale} times larger, white ink on black, or black
     * ink on white when {@code darkInkOnWhite}: how the producer sends images as PNG and how
     * tests make digits of other sizes and polarities.
     */
    public static byte[] toPng(byte[] pixels, int scale, boolean darkInkOnWhite) {
        BufferedImage image = toImage(pixels, scale, darkInkOnWhite);
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** 784 MNIST pixels drawn {@code scale} times larger, as {@link #toPng} encodes them. */
    public static BufferedImage toImage(byte[] pixels, int scale, boolean darkInkOnWhite) {
        if (pixels.length != Mnist.PIXELS || scale < 1) {
            throw new IllegalArgumentException("need 784 pixels and a scale >= 1");
        }
        int side = Mnist.SIDE * scale;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        var raster = image.getRaster();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int v = pixels[(y / scale) * Mnist.SIDE + x / scale] & 0xFF;
                raster.setSample(x, y, 0, darkInkOnWhite ? 255 - v : v);
            }
        }
        return image;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
