package io.digitstream.trainer.training;

/** Hears what the {@link Trainer} does. Every method has a default that does nothing. */
public interface TrainingListener {

    /**
     * After each mini-batch.
     *
     * @param imagesPerSecond throughput of this epoch so far
     */
    default void onBatch(int epoch, int batch, int batchesPerEpoch, double loss, double imagesPerSecond) {}

    /** At the end of each epoch, and every N batches when asked for. */
    default void onCheckpoint(Checkpoint checkpoint) {}
}
