package io.digitstream.model.evaluation;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a model does on a labelled set: accuracy, per-class precision and recall, and the confusion
 * matrix ({@code confusion[label][predicted]}).
 */
public record Evaluation(int examples, int correct, double[] precision, double[] recall, int[][] confusion) {

    @com.fasterxml.jackson.annotation.JsonProperty
    public double accuracy() {
        return examples == 0 ? 0 : (double) correct / examples;
    }

    /** Runs {@code engine} over {@code data} in batches and scores the arg-max against the labels. */
    public static Evaluation of(InferenceEngine engine, MnistDataset data, int batchSize) {
        int[][] confusion = new int[Mnist.CLASSES][Mnist.CLASSES];
        byte[] all = data.rawPixels();
        for (int from = 0; from < data.size(); from += batchSize) {
            int count = Math.min(batchSize, data.size() - from);
            byte[] batch = Arrays.copyOfRange(all, from * Mnist.PIXELS, (from + count) * Mnist.PIXELS);
            float[] probabilities = engine.predict(batch, count);
            for (int i = 0; i < count; i++) {
                confusion[data.label(from + i)][MnistTranslator.digit(probabilities, i)]++;
            }
        }
        return fromConfusion(confusion);
    }

    public static Evaluation fromConfusion(int[][] confusion) {
        int examples = 0;
        int correct = 0;
        double[] precision = new double[Mnist.CLASSES];
        double[] recall = new double[Mnist.CLASSES];
        for (int c = 0; c < Mnist.CLASSES; c++) {
            int predictedAsC = 0;
            int labelledC = 0;
            for (int k = 0; k < Mnist.CLASSES; k++) {
                predictedAsC += confusion[k][c];
                labelledC += confusion[c][k];
                examples += confusion[c][k];
            }
            correct += confusion[c][c];
            precision[c] = predictedAsC == 0 ? 0 : (double) confusion[c][c] / predictedAsC;
            recall[c] = labelledC == 0 ? 0 : (double) confusion[c][c] / labelledC;
        }
        return new Evaluation(examples, correct, precision, recall, confusion);
    }

    /** A table for a terminal: accuracy, then precision and recall per digit, then the confusion matrix. */
    public String table() {
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "accuracy %.2f %% (%d of %d)%n", 100 * accuracy(), correct, examples));
        out.append("digit  precision  recall\n");
        for (int c = 0; c < Mnist.CLASSES; c++) {
            out.append(String.format(
                    Locale.ROOT, "  %d     %6.2f %%  %6.2f %%%n", c, 100 * precision[c], 100 * recall[c]));
        }
        out.append("confusion (rows: label, columns: predicted)\n     ");
        for (int c = 0; c < Mnist.CLASSES; c++) {
            out.append(String.format(Locale.ROOT, "%6d", c));
        }
        out.append('\n');
        for (int r = 0; r < Mnist.CLASSES; r++) {
            out.append(String.format(Locale.ROOT, "  %d  ", r));
            for (int c = 0; c < Mnist.CLASSES; c++) {
                out.append(String.format(Locale.ROOT, "%6d", confusion[r][c]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Evaluation e && Arrays.deepEquals(confusion, e.confusion);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(confusion);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Evaluation[%d examples, accuracy %.4f]", examples, accuracy());
    }
}
