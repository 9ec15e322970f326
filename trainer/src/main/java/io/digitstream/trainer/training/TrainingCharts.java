package io.digitstream.trainer.training;

import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.schemas.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** The trainer's pictures: the confusion matrix of a snapshot, and loss and accuracy by epoch over a run. */
public final class TrainingCharts {
    private TrainingCharts() {}

    /** Writes {@code <file stem>-confusion.png} beside the snapshot file and returns its path. */
    public static Path confusionMatrix(Evaluation evaluation, String title, Path file) throws IOException {
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(640)
                .height(560)
                .title(title + String.format(" (accuracy %.2f %%)", 100 * evaluation.accuracy()))
                .xAxisTitle("predicted")
                .yAxisTitle("label")
                .build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setLegendVisible(false);
        List<Integer> digits =
                java.util.stream.IntStream.range(0, Mnist.CLASSES).boxed().toList();
        var cells = new java.util.ArrayList<Number[]>();
        for (int label = 0; label < Mnist.CLASSES; label++) {
            for (int predicted = 0; predicted < Mnist.CLASSES; predicted++) {
                // rows top to bottom as in the printed table: label 0 at the top
                cells.add(new Number[] {
                    predicted, Mnist.CLASSES - 1 - label, evaluation.confusion()[label][predicted]
                });
            }
        }
        List<Integer> reversed = new java.util.ArrayList<>(digits);
        java.util.Collections.reverse(reversed);
        chart.addSeries("confusion", digits, reversed, cells);
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Path out = file.resolveSibling(stem + "-confusion.png");
        savePng(chart, out);
        return out;
    }

    /**
     * Writes a chart as PNG, keeping the calling thread's interrupt status: the image encoder clears
     * it, and the trainer, which draws at every checkpoint, stops when it finds it set between
     * batches (the demo's trainer ran on for 30 s after being asked to stop).
     */
    private static void savePng(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path out) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            BitmapEncoder.saveBitmap(chart, out.toString(), BitmapEncoder.BitmapFormat.PNG);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Training loss and test accuracy at each published snapshot, against epochs. */
    public static Path lossAndAccuracy(List<TrainingRun.Published> run, String modelName, Path directory)
            throws IOException {
        double[] epochs = run.stream()
                .mapToDouble(p -> p.snapshot().header().training().epochs())
                .toArray();
        double[] loss = run.stream().mapToDouble(TrainingRun.Published::loss).toArray();
        double[] accuracy =
                run.stream().mapToDouble(p -> 100 * p.evaluation().accuracy()).toArray();
        XYChart chart = new XYChartBuilder()
                .width(800)
                .height(480)
                .title(modelName + ": training")
                .xAxisTitle("epochs")
                .yAxisTitle("loss (last batch)")
                .build();
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        chart.addSeries("training loss", epochs, loss).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        XYSeries acc = chart.addSeries("test accuracy %", epochs, accuracy);
        acc.setYAxisGroup(1);
        chart.setYAxisGroupTitle(1, "test accuracy %");
        Path out = directory.resolve(modelName + "-training.png");
        savePng(chart, out);
        return out;
    }
}
