package io.digitstream.benchmarks;

import io.digitstream.benchmarks.handwriting.StyleVariants;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.cli.CommandLines;
import io.digitstream.cli.DataOptions;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.snapshot.JavaDeserialization;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Whether a snapshot's confidence means what it says: on MNIST's test images and on the same
 * digits drawn other ways (H1's styles), the expected calibration error (the gap between
 * confidence and accuracy, averaged over confidence bins weighted by their images), and how the
 * classifier's {@code uncertain} flag splits right from wrong. Optionally a reliability diagram.
 */
@Command(
        name = "calibration",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Expected calibration error and the uncertain flag's split, for one snapshot file.")
public final class Calibration implements Callable<Integer> {
    private static final int BINS = 15;
    private static final int BATCH = 500;

    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new Calibration()).execute(args));
    }

    @Parameters(paramLabel = "SNAPSHOT", description = "A .dgsn file (the trainer's, or one `model import` wrote).")
    Path file;

    @Option(
            names = "--uncertain-below",
            defaultValue = "" + ClassifierSettings.DEFAULT_UNCERTAIN_BELOW,
            description = "The classifier's threshold to report on.")
    double uncertainBelow;

    @Option(names = "--png", description = "Write a reliability diagram (MNIST's test set and each style) here.")
    Path png;

    @Mixin
    DataOptions data;

    /** One set's predictions, bucketed by confidence. */
    record Reliability(
            String set,
            int images,
            int[] count,
            double[] confidence,
            int[] correct,
            int flagged,
            int flaggedWrong,
            int wrong) {
        double ece() {
            double sum = 0;
            for (int b = 0; b < BINS; b++) {
                if (count[b] > 0) {
                    sum += Math.abs(correct[b] - confidence[b]);
                }
            }
            return sum / images;
        }

        double accuracy() {
            return 1 - (double) wrong / images;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(new CommandLine(this), file + ": no such file");
        }
        try {
            ClassifierSettings.checkUncertainBelow(uncertainBelow);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        var snapshot = SnapshotCodec.decode(Files.readAllBytes(file), SnapshotTrust.unchecked())
                .orElseThrow();
        MnistDataset test = MnistStore.withDefaults(data.dataDir()).test();
        Map<String, MnistDataset> sets = StyleVariants.of(test); // MNIST's own test images first
        EngineChoice engine = EngineChoice.fastestHere();
        List<Reliability> results = new ArrayList<>();
        try (InferenceEngine served =
                engine.loader().load(snapshot.header(), snapshot.payload()).orElseThrow()) {
            System.out.println("Machine: " + Machine.describe());
            System.out.println(snapshot.label() + " served by " + served.name() + " (" + engine + ")");
            sets.forEach((set, images) -> results.add(reliability(set, images, served)));
        }
        System.out.printf(
                Locale.ROOT,
                "%n| images | accuracy | ECE (%d bins) | flagged uncertain (confidence < %.2f) | wrong among flagged"
                        + " | wrong among the rest |%n|---|---|---|---|---|---|%n",
                BINS,
                uncertainBelow);
        for (Reliability r : results) {
            int rest = r.images() - r.flagged();
            System.out.printf(
                    Locale.ROOT,
                    "| %s (%,d) | %.2f %% | %.2f %% | %,d (%.1f %%) | %,d (%.1f %%) | %,d (%.2f %%) |%n",
                    r.set(),
                    r.images(),
                    100 * r.accuracy(),
                    100 * r.ece(),
                    r.flagged(),
                    100.0 * r.flagged() / r.images(),
                    r.flaggedWrong(),
                    r.flagged() == 0 ? 0 : 100.0 * r.flaggedWrong() / r.flagged(),
                    r.wrong() - r.flaggedWrong(),
                    rest == 0 ? 0 : 100.0 * (r.wrong() - r.flaggedWrong()) / rest);
        }
        Reliability mnist = results.get(0);
        System.out.printf(
                Locale.ROOT,
                "%nMNIST test by confidence bin:%n| confidence | images | mean confidence | accuracy |%n|---|---|---|---|%n");
        for (int b = 0; b < BINS; b++) {
            if (mnist.count()[b] > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "| %.2f-%.2f | %,d | %.3f | %.3f |%n",
                        (double) b / BINS,
                        (double) (b + 1) / BINS,
                        mnist.count()[b],
                        mnist.confidence()[b] / mnist.count()[b],
                        (double) mnist.correct()[b] / mnist.count()[b]);
            }
        }
        if (png != null) {
            ImageIO.write(diagram(results), "png", png.toFile());
            System.out.println("Reliability diagram: " + png);
        }
        return 0;
    }

    private Reliability reliability(String set, MnistDataset images, InferenceEngine engine) {
        int[] count = new int[BINS];
        double[] confidence = new double[BINS];
        int[] correct = new int[BINS];
        int flagged = 0;
        int flaggedWrong = 0;
        int wrong = 0;
        for (int from = 0; from < images.size(); from += BATCH) {
            int n = Math.min(BATCH, images.size() - from);
            MnistDataset slice = images.slice(from, from + n);
            float[] probabilities = engine.predict(slice.rawPixels(), n);
            for (int i = 0; i < n; i++) {
                MnistTranslator.Reading reading = MnistTranslator.read(probabilities, i);
                boolean right = reading.digit() == slice.label(i);
                int bin = Math.min(BINS - 1, (int) (reading.confidence() * BINS));
                count[bin]++;
                confidence[bin] += reading.confidence();
                correct[bin] += right ? 1 : 0;
                wrong += right ? 0 : 1;
                if (reading.confidence() < uncertainBelow) {
                    flagged++;
                    flaggedWrong += right ? 0 : 1;
                }
            }
        }
        return new Reliability(set, images.size(), count, confidence, correct, flagged, flaggedWrong, wrong);
    }

    /** Accuracy against mean confidence per bin, one line per set, the diagonal for perfect calibration. */
    private static BufferedImage diagram(List<Reliability> results) {
        int size = 640;
        int margin = 70;
        int plot = size - 2 * margin;
        var image = new BufferedImage(size + 220, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), size);
        g.setColor(Color.LIGHT_GRAY);
        g.drawLine(margin, margin + plot, margin + plot, margin);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(margin, margin, plot, plot);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString("mean confidence in the bin", margin + plot / 2 - 90, size - 25);
        g.drawString("accuracy", 10, margin - 15);
        for (int t = 0; t <= 10; t += 2) {
            g.drawString(String.format(Locale.ROOT, "%.1f", t / 10.0), margin + t * plot / 10 - 10, margin + plot + 20);
            g.drawString(String.format(Locale.ROOT, "%.1f", t / 10.0), margin - 35, margin + plot - t * plot / 10 + 5);
        }
        Color[] colours = {
            new Color(0x1d4ed8),
            new Color(0xb91c1c),
            new Color(0x15803d),
            new Color(0xb45309),
            new Color(0x7c3aed),
            new Color(0x0e7490),
            new Color(0x6b7280)
        };
        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < results.size(); s++) {
            Reliability r = results.get(s);
            g.setColor(colours[s % colours.length]);
            int lastX = -1;
            int lastY = -1;
            for (int b = 0; b < BINS; b++) {
                if (r.count()[b] < 20) {
                    continue; // too few images for an accuracy worth drawing
                }
                int x = margin + (int) Math.round(plot * r.confidence()[b] / r.count()[b]);
                int y = margin + plot - (int) Math.round(plot * (double) r.correct()[b] / r.count()[b]);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, x, y);
                }
                lastX = x;
                lastY = y;
            }
            g.drawString(
                    String.format(Locale.ROOT, "%s: ECE %.2f %%", r.set(), 100 * r.ece()),
                    size + 5,
                    margin + 20 * s + 10);
        }
        g.dispose();
        return image;
    }
}
