package io.digitstream.benchmarks.handwriting;

import io.digitstream.cli.CommandLines;
import io.digitstream.cli.DataOptions;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.mnist.image.MnistStyle;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The stroke widths of MNIST's own digits as {@link MnistStyle} measures them: where the median
 * pen that the preprocessing thins wide strokes towards comes from. Not a test.
 */
@Command(
        name = "stroke-widths",
        mixinStandardHelpOptions = true,
        description = "Percentiles of MNIST's stroke widths, in pixels of its 20-pixel digits.")
public final class StrokeWidths implements Callable<Integer> {
    private static final int[] PERCENTILES = {5, 25, 50, 75, 95, 99};

    public static void main(String[] args) {
        System.exit(CommandLines.of(new StrokeWidths()).execute(args));
    }

    @Mixin
    DataOptions data;

    @Override
    public Integer call() {
        var store = MnistStore.withDefaults(data.dataDir());
        print("MNIST training set", store.train());
        print("MNIST test set", store.test());
        return 0;
    }

    private static void print(String name, MnistDataset digits) {
        double[] widths = new double[digits.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = MnistStyle.strokeWidth(MnistStyle.toImage(digits.image(i), 1, false));
        }
        Arrays.sort(widths);
        var line = new StringBuilder(name).append(" (").append(widths.length).append(" digits):");
        for (int p : PERCENTILES) {
            line.append(String.format(Locale.ROOT, " p%d %.2f", p, widths[p * (widths.length - 1) / 100]));
        }
        System.out.println(line);
    }
}
