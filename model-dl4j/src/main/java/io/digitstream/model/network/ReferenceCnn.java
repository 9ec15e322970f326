package io.digitstream.model.network;

import io.digitstream.model.dl4j.Dl4jRuntime;
import io.digitstream.schemas.Mnist;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The reference network: conv 3x3 1->32 pad 1, ReLU, maxpool 2; conv 3x3 32->64 pad 1, ReLU,
 * maxpool 2; dense 3136->10 with softmax; 50,186 parameters. It takes flat 784-value rows
 * scaled to [0,1].
 */
public final class ReferenceCnn {
    public static final long PARAMETERS = 50_186;

    /**
     * Multiply-adds of one image's forward pass (convolutions and the dense layer; biases, ReLU,
     * pooling and softmax add under 1 %): conv1 28x28 outputs x 32 channels x 9, conv2 14x14 x 64 x
     * (32 x 9), dense 3,136 x 10. Conv2 is 93 % of it. Twice this is the floating-point operations.
     */
    public static final long MULTIPLY_ADDS_PER_IMAGE = 28 * 28 * 32 * 9 + 14 * 14 * 64 * (32 * 9) + 3_136 * 10;

    private ReferenceCnn() {}

    public static MultiLayerConfiguration configuration(long seed, IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nIn(1)
                        .nOut(32)
                        .stride(1, 1)
                        .padding(1, 1)
                        .activation(Activation.RELU)
                        .weightInit(torchDefault(1 * 3 * 3))
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(64)
                        .stride(1, 1)
                        .padding(1, 1)
                        .activation(Activation.RELU)
                        .weightInit(torchDefault(32 * 3 * 3))
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(Mnist.CLASSES)
                        .activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER)
                        .build())
                .setInputType(InputType.convolutionalFlat(Mnist.SIDE, Mnist.SIDE, 1))
                .build();
    }

    /** A new network of the reference shape, with this project's faster layers ({@link Dl4jRuntime#withFasterLayers}). */
    public static MultiLayerNetwork create(long seed, IUpdater updater) {
        return Dl4jRuntime.withFasterLayers(withDeeplearning4jLayers(seed, updater));
    }

    /** The same network as Deeplearning4j builds it, with its own layer implementations: for comparisons. */
    public static MultiLayerNetwork withDeeplearning4jLayers(long seed, IUpdater updater) {
        var network = new MultiLayerNetwork(configuration(seed, updater));
        network.init();
        return network;
    }

    /** The reference's convolutions start as PyTorch's do: uniform within 1/sqrt(fan-in). */
    private static UniformDistribution torchDefault(int fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return new UniformDistribution(-bound, bound);
    }
}
