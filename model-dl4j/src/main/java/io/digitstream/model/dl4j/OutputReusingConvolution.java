package io.digitstream.model.dl4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A ReLU convolution layer whose backward pass takes ReLU's derivative from the output of its
 * forward pass, in Java, instead of running the convolution a second time.
 *
 * <p>Why: M2.1's {@code ConvolutionLayer.backpropGradient} starts by computing the layer's
 * pre-activations again (the whole forward convolution) only to take the activation's derivative
 * at them; its cache for them ({@code CacheMode}) is filled only where a feed-forward cache
 * workspace is open. For plain ReLU the derivative needs only the sign of the pre-activation, and
 * the output {@code max(0, z)} is positive exactly where {@code z} is; the output is still held as
 * the next layer's input until the backward pass is done. That takes one of a training step's four
 * convolution passes away, and ND4J's element-wise derivative (a {@code std::function} call per
 * element) with it. The gradients are the same to the bit ({@code OutputReusingConvolutionTest}).
 *
 * <p>The rest of the backward pass is Deeplearning4j's oneDNN helper, called as
 * {@code ConvolutionLayer} calls it. Anything else (no helper, another activation, NHWC, {@code
 * Same} mode, no bias, weight noise, an input the forward pass did not see) goes to Deeplearning4j's
 * own path.
 */
public final class OutputReusingConvolution extends ConvolutionLayer {
    /** Elements per parallel task of the derivative: enough work to be worth handing over. */
    private static final int ELEMENTS_PER_TASK = 1 << 18;

    private INDArray forwardInput;
    private INDArray forwardOutput;
    private long reusingPasses;

    private OutputReusingConvolution(ConvolutionLayer original, DataType dataType) {
        super(original.conf(), dataType);
        setIndex(original.getIndex());
        setListeners(original.getListeners());
        // the same views into the network's flattened parameters and gradients as the layer replaced
        setParamTable(original.paramTable());
        setParamsViewArray(original.params());
        if (original.getGradientsViewArray() != null) {
            setBackpropGradientsViewArray(original.getGradientsViewArray());
        }
    }

    /** Replaces the network's plain-ReLU convolution layers with this one, after {@code init()}; safe to call twice. */
    public static MultiLayerNetwork install(MultiLayerNetwork network) {
        DataType dataType = network.getLayerWiseConfigurations().getDataType();
        return LayerReplacement.replace(
                network,
                layer -> layer instanceof ConvolutionLayer convolution
                                && layer.getClass() == ConvolutionLayer.class
                                && covers((org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                                        convolution.conf().getLayer())
                        ? new OutputReusingConvolution(convolution, dataType)
                        : layer);
    }

    /** How many of the network's layers are this class. */
    public static long countIn(MultiLayerNetwork network) {
        return Arrays.stream(network.getLayers())
                .filter(OutputReusingConvolution.class::isInstance)
                .count();
    }

    private static boolean covers(org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf) {
        return conf.getActivationFn() instanceof ActivationReLU relu
                && relu.getClass() == ActivationReLU.class
                && relu.getMax() == null
                && isZeroOrUnset(relu.getThreshold())
                && isZeroOrUnset(relu.getNegativeSlope())
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conf.getConvolutionMode() != ConvolutionMode.Same
                && conf.hasBias()
                && conf.getWeightNoise() == null;
    }

    private static boolean isZeroOrUnset(Double value) {
        return value == null || value == 0.0;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaces) {
        INDArray output = super.activate(training, workspaces);
        forwardInput = training ? input : null;
        forwardOutput = training ? output : null;
        return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaces) {
        INDArray output = forwardOutput;
        boolean sameInput = forwardInput == input;
        forwardInput = null; // one forward pass serves one backward pass
        forwardOutput = null;
        if (helper == null
                || output == null
                || !sameInput
                || !FloatArrays.isPlainRowMajorFloat(output)
                || !FloatArrays.isPlainRowMajorFloat(epsilon)
                || !Arrays.equals(output.shape(), epsilon.shape())) {
            return super.backpropGradient(epsilon, workspaces);
        }
        assertInputSet(true);
        var conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layerConf();
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaces);
        INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaces);
        INDArray in = input.dataType() == dataType ? input : input.castTo(dataType);
        INDArray delta = reluDerivative(output, epsilon, workspaces);
        Pair<Gradient, INDArray> result;
        try {
            result = helper.backpropGradient(
                    in,
                    weights,
                    bias,
                    delta,
                    conf.getKernelSize(),
                    conf.getStride(),
                    conf.getPadding(),
                    gradientViews.get(ConvolutionParamInitializer.BIAS_KEY),
                    gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY),
                    conf.getActivationFn(),
                    conf.getCudnnAlgoMode(),
                    conf.getCudnnBwdFilterAlgo(),
                    conf.getCudnnBwdDataAlgo(),
                    convolutionMode,
                    conf.getDilation(),
                    conf.getCnn2dDataFormat(),
                    workspaces);
        } catch (RuntimeException e) {
            result = null; // Deeplearning4j's own path below logs it and falls back as configured
        }
        if (result == null) {
            return super.backpropGradient(epsilon, workspaces);
        }
        result.setSecond(backpropDropOutIfPresent(result.getSecond()));
        reusingPasses++;
        return result;
    }

    /** Backward passes so far that reused the forward output (the others took Deeplearning4j's path). */
    public long reusingBackwardPasses() {
        return reusingPasses;
    }

    /** The gradient at the pre-activations: the incoming one where the output is positive, else 0. */
    private static INDArray reluDerivative(INDArray output, INDArray epsilon, LayerWorkspaceMgr workspaces) {
        INDArray delta = workspaces.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, output.shape(), 'c');
        FloatBuffer out = FloatArrays.floats(output);
        FloatBuffer eps = FloatArrays.floats(epsilon);
        FloatBuffer d = FloatArrays.floats(delta);
        FloatArrays.inParallel((int) output.length(), ELEMENTS_PER_TASK, (from, to) -> {
            for (int i = from; i < to; i++) {
                d.put(i, out.get(i) > 0f ? eps.get(i) : 0f);
            }
        });
        return delta;
    }

    @Override
    public void clear() {
        super.clear();
        forwardInput = null;
        forwardOutput = null;
    }
}
