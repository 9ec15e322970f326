package io.digitstream.mnist.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MnistStyleTest {

    @ParameterizedTest(name = "scale {0}, dark ink on white {1}")
    @CsvSource({"1,false", "3,false", "3,true", "7,true"})
    void fixtureDigitsDrawnLargerOrInvertedComeBackAsTheyWere(int scale, boolean darkOnWhite) {
        MnistDataset test = MnistFixture.test();
        for (int i = 0; i < 50; i++) {
            byte[] original = test.image(i);
            byte[] png = MnistStyle.toPng(original, scale, darkOnWhite);

            byte[] restored = ((Decoded.Valid<byte[]>) MnistStyle.fromEncoded(png)).value();

            // centring by centre of mass may place a digit a pixel or two from where MNIST put it
            assertThat(bestCorrelationWithin2Pixels(original, restored))
                    .as("image %d", i)
                    .isGreaterThan(0.85);
        }
    }

    @Test
    void aSmallDigitLeftAsDrawnComesBackNoWider() {
        // each resampling blurs, and a blurred stroke is a wider one to the network: 28-pixel digits
        // taken through a 4x finer image on their way into 20 pixels came back up to 0.5 pixels
        // wider (0.36 on average); fitted once, they come back as wide or a little narrower (their
        // anti-aliased edges make the ink's box a pixel or two wider than MNIST's 20)
        MnistDataset test = MnistFixture.test();
        int compared = 0;
        for (int i = 0; i < 20; i++) {
            byte[] original = test.image(i);
            double drawn = MnistStyle.strokeWidth(MnistStyle.toImage(original, 1, false));
            if (drawn > StrokeWidth.THINNED_ABOVE * StrokeWidth.MNIST_MEDIAN) {
                continue; // thinned on purpose
            }
            compared++;

            byte[] served =
                    ((Decoded.Valid<byte[]>) MnistStyle.fromEncoded(MnistStyle.toPng(original, 1, true))).value();

            assertThat(MnistStyle.strokeWidth(MnistStyle.toImage(served, 1, false)))
                    .as("image %d", i)
                    .isLessThanOrEqualTo(drawn + 0.1);
        }
        assertThat(compared).isGreaterThan(15);
    }

    @Test
    void aColourPhotoOfADarkDigitOnPaperBecomesInkOnBlack() throws IOException {
        var image = new BufferedImage(90, 120, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(new Color(235, 230, 210)); // off-white paper
        g.fillRect(0, 0, 90, 120);
        g.setColor(new Color(20, 20, 90)); // dark blue pen
        g.fillRect(40, 20, 10, 80); // a "1"
        g.dispose();

        byte[] pixels = ((Decoded.Valid<byte[]>) MnistStyle.fromEncoded(encode(image, "jpg"))).value();

        assertThat(pixels[14 * 28 + 14] & 0xFF).as("centre is ink").isGreaterThan(150);
        assertThat(pixels[0] & 0xFF).as("corner is background").isLessThan(20);
        assertThat(pixels[3 * 28 + 14] & 0xFF)
                .as("a 20-pixel-tall stroke starts at row 4")
                .isLessThan(20);
        assertThat(pixels[5 * 28 + 14] & 0xFF).isGreaterThan(150);
    }

    @Test
    void aDigitCroppedTightlyKeepsItsFaintInk() throws IOException {
        // a "0" whose top and bottom strokes run along the image's edge, its sides in grey pencil:
        // the dark edge strokes must not be taken for paper, or the grey sides fade away
        var image = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
        var raster = image.getRaster();
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                boolean edgeStroke = (y <= 1 || y >= 10) && x >= 1 && x <= 10;
                boolean side = (x == 2 || x == 9) && y > 1 && y < 10;
                raster.setSample(x, y, 0, edgeStroke ? 0 : side ? 150 : 255);
            }
        }

        byte[] pixels = ((Decoded.Valid<byte[]>) MnistStyle.fromEncoded(encode(image, "png"))).value();

        int row = 14;
        int brightestSide = 0;
        for (int x = 0; x < 10; x++) {
            brightestSide = Math.max(brightestSide, pixels[row * 28 + x] & 0xFF);
        }
        assertThat(brightestSide)
                .as("the left stroke, ink of 0.41 against the edge strokes' 1")
                .isGreaterThan(30);
    }

    @Test
    void grainAndUnevenLightOnTheScanAreNotInk() throws IOException {
        var random = new java.util.Random(7);
        var image = new BufferedImage(60, 60, BufferedImage.TYPE_BYTE_GRAY);
        var raster = image.getRaster();
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 60; x++) {
                boolean stroke = x >= 27 && x < 33 && y >= 15 && y < 45; // a "1", 30 pixels tall
                double paper = 0.82 + 0.1 * x / 60.0 + 0.03 * random.nextGaussian();
                double value = stroke ? 0.15 + 0.03 * random.nextGaussian() : paper;
                raster.setSample(x, y, 0, (int) Math.round(255 * Math.min(1, Math.max(0, value))));
            }
        }

        byte[] pixels = ((Decoded.Valid<byte[]>) MnistStyle.fromEncoded(encode(image, "png"))).value();

        // fitted to MNIST's 20 pixels, the stroke runs from row 4 to row 23
        assertThat(pixels[5 * 28 + 14] & 0xFF).as("row 5 is stroke").isGreaterThan(150);
        assertThat(pixels[22 * 28 + 14] & 0xFF).as("row 22 is stroke").isGreaterThan(150);
        int paperInk = 0;
        for (int x = 0; x < 28; x++) {
            paperInk = Math.max(paperInk, pixels[2 * 28 + x] & 0xFF);
        }
        assertThat(paperInk).as("row 2 is paper").isLessThan(20);
    }

    @Test
    void aSmallImageGrowsIntoSoftStrokesNotBlocks() throws IOException {
        // an 8x8 diagonal stroke, grown 2.5 times to fit 20 pixels
        var image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 8; i++) {
            image.getRaster().setSample(i, 7 - i, 0, 255);
        }

        byte[] pixels = ((Decoded.Valid<byte[]>) MnistStyle.fromEncoded(encode(image, "png"))).value();

        // grown in blocks, a two-tone image keeps a handful of tones (where a block's edge splits
        // a pixel); grown smoothly, its stroke fades out over many
        long tones =
                IntStream.range(0, 784).map(i -> pixels[i] & 0xFF).distinct().count();
        assertThat(tones).as("distinct grey levels").isGreaterThan(8);
    }

    @Test
    void aMarkersThickStrokeComesBackAsThinAsMnistsPens() throws IOException {
        // a "0" drawn with a marker: its stroke about six of MNIST's pixels wide, MNIST's pens 2-4
        var image = new BufferedImage(100, 100, BufferedImage.TYPE_BYTE_GRAY);
        var g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 100, 100);
        g.setColor(Color.BLACK);
        g.setStroke(new java.awt.BasicStroke(24));
        g.drawOval(30, 22, 40, 56);
        g.dispose();

        byte[] pixels = ((Decoded.Valid<byte[]>) MnistStyle.fromEncoded(encode(image, "png"))).value();

        float[] ink = new float[784];
        for (int i = 0; i < 784; i++) {
            ink[i] = (pixels[i] & 0xFF) / 255f;
        }
        // left as drawn it comes back 5.7 pixels wide; thinned to MNIST's median and fitted again
        // into 20 pixels (the narrower box is grown back, and its stroke with it), 3.9
        assertThat(StrokeWidth.of(ink, 28, 28)).isLessThan(4.6);
    }

    @Test
    void badImagesGetTheirCode() throws IOException {
        assertThat(code(MnistStyle.fromEncoded(new byte[] {1, 2, 3, 4, 5}))).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
        assertThat(code(MnistStyle.fromEncoded(encode(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png"))))
                .isEqualTo(ErrorCode.IMAGE_TOO_SMALL);
        assertThat(code(MnistStyle.fromEncoded(
                        encode(new BufferedImage(5000, 10, BufferedImage.TYPE_BYTE_GRAY), "png"))))
                .isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(code(MnistStyle.fromEncoded(encode(new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY), "png"))))
                .isEqualTo(ErrorCode.BLANK_IMAGE);
        byte[] png = encode(new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY), "png");
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        assertThat(code(MnistStyle.fromEncoded(cut))).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
    }

    @ParameterizedTest
    @CsvSource({"gif", "bmp", "tiff", "wbmp"})
    void imageFormatsOtherThanPngAndJpegAreRefused(String format) throws IOException {
        var digit = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_BINARY);
        var g = digit.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(15, 5, 10, 30);
        g.dispose();
        assertThat(MnistStyle.fromEncoded(encode(digit, "png"))).isInstanceOf(Decoded.Valid.class);

        Decoded<byte[]> decoded = MnistStyle.fromEncoded(encode(digit, format));

        assertThat(code(decoded)).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
        assertThat(((Decoded.Invalid<byte[]>) decoded).reason()).contains("only PNG and JPEG");
    }

    private static ErrorCode code(Decoded<byte[]> decoded) {
        return ((Decoded.Invalid<byte[]>) decoded).code();
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    static double bestCorrelationWithin2Pixels(byte[] a, byte[] b) {
        double best = -1;
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                byte[] shifted = new byte[784];
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int sy = y - dy;
                        int sx = x - dx;
                        if (sy >= 0 && sy < 28 && sx >= 0 && sx < 28) {
                            shifted[y * 28 + x] = b[sy * 28 + sx];
                        }
                    }
                }
                best = Math.max(best, correlation(a, shifted));
            }
        }
        return best;
    }

    static double correlation(byte[] a, byte[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i] & 0xFF;
            mb += b[i] & 0xFF;
        }
        ma /= a.length;
        mb /= b.length;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = (a[i] & 0xFF) - ma;
            double db = (b[i] & 0xFF) - mb;
            cov += da * db;
            va += da * da;
            vb += db * db;
        }
        return cov / Math.sqrt(va * vb);
    }
}
