package io.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.schemas.Mnist;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingChartsTest {

    @Test
    void drawingAChartKeepsTheRequestToStop(@TempDir Path dir) throws Exception {
        int[][] confusion = new int[Mnist.CLASSES][Mnist.CLASSES];
        for (int digit = 0; digit < Mnist.CLASSES; digit++) {
            confusion[digit][digit] = 9;
            confusion[digit][(digit + 1) % Mnist.CLASSES] = 1;
        }

        Thread.currentThread().interrupt();
        Path chart;
        try {
            chart = TrainingCharts.confusionMatrix(
                    Evaluation.fromConfusion(confusion), "mnist-cnn v1", dir.resolve("mnist-cnn-v1.dgsn"));
        } finally {
            // read and clear, so the flag cannot leak into other tests
            assertThat(Thread.interrupted())
                    .as("still interrupted after drawing")
                    .isTrue();
        }

        assertThat(chart).hasFileName("mnist-cnn-v1-confusion.png");
        assertThat(Files.size(chart)).isPositive();
    }
}
