package io.digitstream.model.dl4j;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Comparing networks' gradients and numbers, for the tests of our layer implementations. */
final class Gradients {
    private Gradients() {}

    /** The network's gradient of the batch's loss, copied out before another network reuses the workspace. */
    static INDArray of(MultiLayerNetwork network, DataSet batch) {
        network.setInput(batch.getFeatures());
        network.setLabels(batch.getLabels());
        network.computeGradientAndScore();
        return network.gradient().gradient().dup();
    }

    static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
