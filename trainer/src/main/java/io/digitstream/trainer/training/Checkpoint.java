package io.digitstream.trainer.training;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A point in training where a snapshot may be taken.
 *
 * @param epochs       epochs completed, fractional mid-epoch
 * @param examplesSeen training examples processed so far
 * @param endOfEpoch   true at the end of an epoch
 */
public record Checkpoint(
        MultiLayerNetwork network, double epochs, long examplesSeen, boolean endOfEpoch, double loss) {}
