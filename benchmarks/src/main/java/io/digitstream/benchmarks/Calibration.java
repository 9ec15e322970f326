package io.digitstream.benchmarks;

import io.digitstream.benchmarks.handwriting.StandInsOption;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
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
 * How snapshots read digits people write, and whether their confidence means what it says: on
 * MNIST's test images, on the same digits drawn other ways (H1's styles) and on the handwriting
 * stand-ins ({@link io.digitstream.benchmarks.handwriting.StandIns}, H2), each snapshot's accuracy (by digit where it is weakest), its
 * expected calibration error (the gap between confidence and accuracy, averaged over confidence
 * bins weighted by their images), and how the classifier's {@code uncertain} flag splits right
 * from wrong. Optionally a reliability diagram of the last snapshot.
 */
@Command(
        name = "calibration",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Accuracy, expected calibration error and the uncertain flag's split, per snapshot file.")
public final class Calibration implements Callable<Integer> {
    private static final int BINS = 15;
    private static final int BATCH = 500;

    public static void main(String[] args) {
        JavaDeserialization.forbid();
        System.exit(CommandLines.of(new Calibration()).execute(args));
    }

    @Parameters(
            paramLabel = "SNAPSHOT",
            arity = "1..*",
            description = "A .dgsn file (the trainer's, or one `model import` wrote); several are compared.")
    List<Path> files;

    @Mixin
    StandInsOption standIns;

    @Option(
            names = "--uncertain-below",
            defaultValue = "" + ClassifierSettings.DEFAULT_UNCERTAIN_BELOW,
            description = "The classifier's threshold to report on.")
    double uncertainBelow;

    @Option(names = "--png", description = "Write a reliability diagram of the last snapshot, every set, here.")
    Path png;

    @Option(
            names = "--confusions",
            defaultValue = "0",
            description =
                    "After each snapshot's table, its N most frequent mistakes in each set (\"9 read as 3: 31\").")
    int confusions;

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
            int wrong,
            int[][] readAs) {
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

        /** The three digits read worst, with their accuracy: "9 71.0 %, 1 76.2 %, ...". */
        String weakest() {
            double[] accuracy = new double[10];
            List<Integer> digits = new ArrayList<>();
            for (int d = 0; d < 10; d++) {
                int written = java.util.Arrays.stream(readAs[d]).sum();
                if (written > 0) {
                    accuracy[d] = (double) readAs[d][d] / written;
                    digits.add(d);
                }
            }
            digits.sort(Comparator.comparingDouble(d -> accuracy[d]));
            List<String> parts = new ArrayList<>();
            for (int d : digits.subList(0, Math.min(3, digits.size()))) {
                parts.add(String.format(Locale.ROOT, "%d: %.1f %%", d, 100 * accuracy[d]));
            }
            return String.join(", ", parts);
        }
    }

    /** The {@code n} most frequent mistakes, most frequent first: "9 read as 3: 31, 1 read as 9: 15". */
    static String mostConfused(int[][] readAs, int n) {
        List<int[]> mistakes = new ArrayList<>();
        for (int truth = 0; truth < readAs.length; truth++) {
            for (int read = 0; read < readAs[truth].length; read++) {
                if (read != truth && readAs[truth][read] > 0) {
                    mistakes.add(new int[] {truth, read, readAs[truth][read]});
                }
            }
        }
        mistakes.sort(Comparator.comparingInt((int[] m) -> -m[2]));
        List<String> parts = new ArrayList<>();
        for (int[] m : mistakes.subList(0, Math.min(n, mistakes.size()))) {
            parts.add(m[0] + " read as " + m[1] + ": " + m[2]);
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    @Override
    public Integer call() throws Exception {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(new CommandLine(this), file + ": no such file");
            }
        }
        if (confusions < 0) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--confusions must be 0 or more, not " + confusions);
        }
        try {
            ClassifierSettings.checkUncertainBelow(uncertainBelow);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        MnistDataset test = MnistStore.withDefaults(data.dataDir()).test();
        Map<String, MnistDataset> sets = new LinkedHashMap<>(StyleVariants.of(test)); // MNIST's own test images first
        Map<String, MnistDataset> handwriting = standIns.load();
        if (handwriting.isEmpty()) {
            System.out.println("No stand-ins in " + standIns.dir() + " (benchmarks/stand-ins/fetch.sh fetches them)");
        }
        sets.putAll(handwriting);
        EngineChoice engine = EngineChoice.fastestHere();
        System.out.println("Machine: " + Machine.describe());
        Map<String, List<Reliability>> bySnapshot = new LinkedHashMap<>();
        for (Path file : files) {
            var snapshot = SnapshotCodec.decode(Files.readAllBytes(file), SnapshotTrust.unchecked())
                    .orElseThrow();
            List<Reliability> results = new ArrayList<>();
            try (InferenceEngine served =
                    engine.loader().load(snapshot.header(), snapshot.payload()).orElseThrow()) {
                System.out.println();
                System.out.println(
                        file + ": " + snapshot.label() + " served by " + served.name() + " (" + engine + ")");
                sets.forEach((set, images) -> results.add(reliability(set, images, served)));
            }
            print(results);
            if (confusions > 0) {
                System.out.println();
                results.forEach(r -> System.out.println(
                        "Most frequent mistakes, " + r.set() + ": " + mostConfused(r.readAs(), confusions)));
            }
            bySnapshot.put(file.getFileName().toString(), results);
        }
        if (bySnapshot.size() > 1) {
            System.out.printf("%nAccuracy, side by side:%n| images |");
            bySnapshot.keySet().forEach(name -> System.out.print(" " + name + " |"));
            System.out.print("\n|---|");
            bySnapshot.keySet().forEach(name -> System.out.print("---|"));
            System.out.println();
            List<String> names = new ArrayList<>(sets.keySet());
            for (int i = 0; i < names.size(); i++) {
                System.out.print("| " + names.get(i) + " |");
                for (List<Reliability> results : bySnapshot.values()) {
                    System.out.printf(
                            Locale.ROOT, " %.2f %% |", 100 * results.get(i).accuracy());
                }
                System.out.println();
            }
        }
        if (png != null) {
            List<Reliability> last = new ArrayList<>(bySnapshot.values()).get(bySnapshot.size() - 1);
            ImageIO.write(diagram(last), "png", png.toFile());
            System.out.println("Reliability diagram of " + files.get(files.size() - 1) + ": " + png);
        }
        return 0;
    }

    private void print(List<Reliability> results) {
        System.out.printf(
                Locale.ROOT,
                "%n| images | accuracy | weakest digits | ECE (%d bins) | flagged uncertain (confidence < %.2f)"
                        + " | wrong among flagged | wrong among the rest |%n|---|---|---|---|---|---|---|%n",
                BINS,
                uncertainBelow);
        for (Reliability r : results) {
            int rest = r.images() - r.flagged();
            System.out.printf(
                    Locale.ROOT,
                    "| %s (%,d) | %.2f %% | %s | %.2f %% | %,d (%.1f %%) | %,d (%.1f %%) | %,d (%.2f %%) |%n",
                    r.set(),
                    r.images(),
                    100 * r.accuracy(),
                    r.weakest(),
                    100 * r.ece(),
                    r.flagged(),
                    100.0 * r.flagged() / r.images(),
                    r.flaggedWrong(),
                    r.flagged() == 0 ? 0 : 100.0 * r.flaggedWrong() / r.flagged(),
                    r.wrong() - r.flaggedWrong(),
                    rest == 0 ? 0 : 100.0 * (r.wrong() - r.flaggedWrong()) / rest);
        }
    }

    private Reliability reliability(String set, MnistDataset images, InferenceEngine engine) {
        int[] count = new int[BINS];
        double[] confidence = new double[BINS];
        int[] correct = new int[BINS];
        int flagged = 0;
        int flaggedWrong = 0;
        int wrong = 0;
        int[][] readAs = new int[10][10];
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
                readAs[slice.label(i)][reading.digit()]++;
                if (reading.confidence() < uncertainBelow) {
                    flagged++;
                    flaggedWrong += right ? 0 : 1;
                }
            }
        }
        return new Reliability(set, images.size(), count, confidence, correct, flagged, flaggedWrong, wrong, readAs);
    }

    /** Accuracy against mean confidence per bin, one line per set, the diagonal for perfect calibration. */
    private static BufferedImage diagram(List<Reliability> results) {
        int size = 640;
        int margin = 70;
        int plot = size - 2 * margin;
        var image = new BufferedImage(size + 400, size, BufferedImage.TYPE_INT_RGB);
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
            new Color(0x6b7280),
            new Color(0xdb2777),
            new Color(0x000000)
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
