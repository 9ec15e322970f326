package io.digitstream.app.command;

import io.digitstream.trainer.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on the terminal: epoch, batch, loss, images/s, time left in the epoch. */
final class TrainingProgressBar implements TrainingListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final int epochs;
    private final int batchSize;
    private long lastDraw;

    TrainingProgressBar(PrintStream out, int epochs, int batchSize) {
        this.out = out;
        this.epochs = epochs;
        this.batchSize = batchSize;
    }

    @Override
    public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss, double imagesPerSecond) {
        long now = System.nanoTime();
        boolean last = batch == batchesPerEpoch - 1;
        if (!last && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        int done = (int) ((batch + 1L) * WIDTH / batchesPerEpoch);
        double remainingImages = (batchesPerEpoch - batch - 1) * (double) batchSize;
        long secondsLeft = imagesPerSecond > 0 ? Math.round(remainingImages / imagesPerSecond) : 0;
        out.printf(
                Locale.ROOT,
                "\repoch %d/%d [%s%s] %d/%d loss %.4f %,.0f img/s ETA %d:%02d%s",
                epoch + 1,
                epochs,
                "=".repeat(done),
                " ".repeat(WIDTH - done),
                batch + 1,
                batchesPerEpoch,
                loss,
                imagesPerSecond,
                secondsLeft / 60,
                secondsLeft % 60,
                last ? "\n" : "");
        out.flush();
    }
}
