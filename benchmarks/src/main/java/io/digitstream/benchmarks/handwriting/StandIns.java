package io.digitstream.benchmarks.handwriting;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.schemas.Mnist;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * Handwriting from outside MNIST, as a user sends it: each digit becomes a PNG or JPEG of dark
 * ink on light paper and goes through {@link MnistStyle#fromEncoded}, the path of {@code producer
 * send} and of the console's drawings. No recipe trains on any of these images.
 *
 * <ul>
 *   <li><b>optdigits</b>: the test part of UCI's "Optical Recognition of Handwritten Digits"
 *       (Alpaydin and Kaynak, 1998; CC BY 4.0): 1,797 digits by 13 writers on NIST forms, counted
 *       into 8x8 cells of 0..16. Real handwriting at a low resolution.
 *   <li><b>fonts</b>: digits set in handwriting-like fonts that Debian packages carry (OFL, GPL,
 *       CC0, BSD), each written ten times with a random pose, pen, paper, lighting, scan
 *       resolution (16 to 40 pixels) and compression.
 * </ul>
 *
 * {@code benchmarks/stand-ins/fetch.sh} puts both in a directory.
 */
public final class StandIns {
    /** Writings of each digit in each font. */
    static final int FONT_SAMPLES = 10;

    private static final long SEED = 2026_12_05L;
    private static final int OPTDIGITS_SIDE = 8;
    private static final int OPTDIGITS_LEVELS = 16;

    private StandIns() {}

    /** Each stand-in found under {@code dir}, by name; a missing one is left out. */
    public static Map<String, MnistDataset> in(Path dir) {
        Map<String, MnistDataset> sets = new LinkedHashMap<>();
        Path optdigits = dir.resolve("optdigits/digits.csv.gz");
        if (Files.isRegularFile(optdigits)) {
            sets.put("optdigits (13 writers, 8x8)", optdigits(optdigits));
        }
        List<Path> fonts = fonts(dir.resolve("fonts"));
        if (!fonts.isEmpty()) {
            sets.put("fonts (" + fonts.size() + " handwriting-like, scanned)", fonts(fonts));
        }
        return sets;
    }

    /** One line per digit: 64 counts of 0..16, row by row, then the label. */
    static MnistDataset optdigits(Path csv) {
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (var lines = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(csv)), StandardCharsets.US_ASCII))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] cells = line.trim().split(",");
                if (cells.length != OPTDIGITS_SIDE * OPTDIGITS_SIDE + 1) {
                    continue;
                }
                var image = new BufferedImage(OPTDIGITS_SIDE, OPTDIGITS_SIDE, BufferedImage.TYPE_BYTE_GRAY);
                for (int i = 0; i < OPTDIGITS_SIDE * OPTDIGITS_SIDE; i++) {
                    int ink = Integer.parseInt(cells[i]);
                    image.getRaster()
                            .setSample(
                                    i % OPTDIGITS_SIDE,
                                    i / OPTDIGITS_SIDE,
                                    0,
                                    255 - Math.round(255f * ink / OPTDIGITS_LEVELS));
                }
                images.add(asSent(encoded(image, "png", 0)));
                labels.add(Integer.parseInt(cells[cells.length - 1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(csv + ": " + e.getMessage(), e);
        }
        return dataset(images, labels);
    }

    private static List<Path> fonts(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            f -> f.toString().endsWith(".ttf") || f.toString().endsWith(".otf"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MnistDataset fonts(List<Path> files) {
        Random random = new Random(SEED);
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path file : files) {
            Font font = font(file);
            for (int digit = 0; digit <= 9; digit++) {
                for (int sample = 0; sample < FONT_SAMPLES; sample++) {
                    images.add(asSent(written(font, digit, random)));
                    labels.add(digit);
                }
            }
        }
        return dataset(images, labels);
    }

    private static Font font(Path file) {
        try {
            return Font.createFont(Font.TRUETYPE_FONT, file.toFile());
        } catch (FontFormatException | IOException e) {
            throw new IllegalStateException(file + ": not a font: " + e.getMessage(), e);
        }
    }

    /**
     * One writing of {@code digit}: its outline posed at random (rotation, slant, size, place) and
     * stroked with a random extra pen width at 4x, then averaged down to the scan's resolution on
     * paper of uneven light, with sensor noise, saved as PNG or as a JPEG of middling quality.
     */
    static byte[] written(Font font, int digit, Random random) {
        int side = 16 + random.nextInt(25); // the scan: 16..40 pixels a side
        int fine = side * 4;
        Shape outline = font.deriveFont(100f)
                .createGlyphVector(new FontRenderContext(null, true, true), Integer.toString(digit))
                .getOutline();
        Rectangle2D bounds = outline.getBounds2D();
        double height = fine * (0.55 + 0.3 * random.nextDouble());
        double scale = height / bounds.getHeight();
        var pose = new AffineTransform();
        pose.translate(
                fine / 2.0 + fine * 0.08 * (random.nextDouble() * 2 - 1),
                fine / 2.0 + fine * 0.08 * (random.nextDouble() * 2 - 1));
        pose.rotate(Math.toRadians(12 * (random.nextDouble() * 2 - 1)));
        pose.shear(Math.tan(Math.toRadians(10 * (random.nextDouble() * 2 - 1))), 0);
        pose.scale(scale, scale);
        pose.translate(-bounds.getCenterX(), -bounds.getCenterY());
        Shape posed = pose.createTransformedShape(outline);

        var ink = new BufferedImage(fine, fine, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = ink.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fill(posed);
        float pen = (float) (height * 0.05 * random.nextDouble()); // up to a twentieth of the digit's height
        if (pen > 0.5f) {
            g.setStroke(new BasicStroke(pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(posed);
        }
        g.dispose();

        double paper = 0.82 + 0.18 * random.nextDouble();
        double darkest = 0.05 + 0.3 * random.nextDouble();
        double lightSlopeX = 0.12 * (random.nextDouble() * 2 - 1);
        double lightSlopeY = 0.12 * (random.nextDouble() * 2 - 1);
        double noise = 0.01 + 0.03 * random.nextDouble();
        var scan = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        var raster = ink.getRaster();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double coverage = 0;
                for (int dy = 0; dy < 4; dy++) {
                    for (int dx = 0; dx < 4; dx++) {
                        coverage += raster.getSample(4 * x + dx, 4 * y + dy, 0) / 255.0;
                    }
                }
                coverage /= 16;
                double light =
                        paper + lightSlopeX * (x / (double) side - 0.5) + lightSlopeY * (y / (double) side - 0.5);
                double value = light - coverage * (light - darkest) + noise * random.nextGaussian();
                scan.getRaster().setSample(x, y, 0, (int) Math.round(255 * Math.min(1, Math.max(0, value))));
            }
        }
        return random.nextBoolean() ? encoded(scan, "png", 0) : encoded(scan, "jpeg", 0.5f + 0.4f * random.nextFloat());
    }

    private static byte[] encoded(BufferedImage image, String format, float quality) {
        var out = new ByteArrayOutputStream();
        try {
            if (quality == 0) {
                ImageIO.write(image, format, out);
            } else {
                ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                try (var stream = ImageIO.createImageOutputStream(out)) {
                    writer.setOutput(stream);
                    writer.write(null, new IIOImage(image, null, null), param);
                } finally {
                    writer.dispose();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** What the classifier makes of an image sent as these bytes; blank where it refuses it. */
    private static byte[] asSent(byte[] encoded) {
        return StyleVariants.orBlank(MnistStyle.fromEncoded(encoded));
    }

    private static MnistDataset dataset(List<byte[]> images, List<Integer> labels) {
        byte[] pixels = new byte[images.size() * Mnist.PIXELS];
        byte[] rawLabels = new byte[labels.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, pixels, i * Mnist.PIXELS, Mnist.PIXELS);
            rawLabels[i] = labels.get(i).byteValue();
        }
        return new MnistDataset(pixels, rawLabels);
    }
}
