package io.digitstream.app.training;

import io.digitstream.trainer.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress: epoch, batch, loss, images/s, time left in the epoch. On a terminal a bar redrawn
 * in place; elsewhere (a log file, {@code docker compose logs trainer}) a plain line every ten seconds
 * and at each epoch's end, never a carriage return.
 */
final class TrainingProgressBar implements TrainingListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_EVERY_NANOS = 200_000_000L;
    private static final long LINE_EVERY_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final int epochs;
    private final int batchSize;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private long lastWritten;

    TrainingProgressBar(PrintStream out, int epochs, int batchSize, boolean terminal) {
        this(out, epochs, batchSize, terminal, System::nanoTime);
    }

    TrainingProgressBar(PrintStream out, int epochs, int batchSize, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.lastWritten = nanoClock.getAsLong();
    }

    @Override
    public void onBatch(int epoch, int batch, int batchesPerEpoch, double loss, double imagesPerSecond) {
        long now = nanoClock.getAsLong();
        boolean last = batch == batchesPerEpoch - 1;
        if (!last && now - lastWritten < (terminal ? REDRAW_EVERY_NANOS : LINE_EVERY_NANOS)) {
            return;
        }
        lastWritten = now;
        double remainingImages = (batchesPerEpoch - batch - 1) * (double) batchSize;
        long secondsLeft = imagesPerSecond > 0 ? Math.round(remainingImages / imagesPerSecond) : 0;
        String figures = String.format(
                Locale.ROOT,
                "%d/%d loss %.4f %,.0f img/s ETA %d:%02d",
                batch + 1,
                batchesPerEpoch,
                loss,
                imagesPerSecond,
                secondsLeft / 60,
                secondsLeft % 60);
        if (terminal) {
            int done = (int) ((batch + 1L) * WIDTH / batchesPerEpoch);
            out.printf(
                    Locale.ROOT,
                    "\repoch %d/%d [%s%s] %s%s",
                    epoch + 1,
                    epochs,
                    "=".repeat(done),
                    " ".repeat(WIDTH - done),
                    figures,
                    last ? "\n" : "");
        } else {
            out.printf(Locale.ROOT, "epoch %d/%d batch %s%n", epoch + 1, epochs, figures);
        }
        out.flush();
    }
}
