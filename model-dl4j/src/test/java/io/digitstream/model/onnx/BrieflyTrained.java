package io.digitstream.model.onnx;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.dl4j.TrainingBatches;
import io.digitstream.model.network.ReferenceCnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/** The reference CNN after 20 batches of the fixture (seeded; once per JVM): outputs peaked, as a served model's are. */
public final class BrieflyTrained {
    private static MultiLayerNetwork network;

    private BrieflyTrained() {}

    public static synchronized MultiLayerNetwork network() {
        if (network == null) {
            MnistDataset train = MnistFixture.train();
            network = ReferenceCnn.create(777, new Adam(1e-3));
            int[] order = new int[train.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int from = 0; from < 2000; from += 100) {
                network.fit(new DataSet(
                        TrainingBatches.features(train, order, from, 100),
                        TrainingBatches.oneHotLabels(train, order, from, 100)));
            }
        }
        return network;
    }
}
