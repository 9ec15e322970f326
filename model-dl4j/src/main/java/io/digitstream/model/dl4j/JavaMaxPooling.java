package io.digitstream.model.dl4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A max-pooling layer for the one case the reference CNN has (2x2 windows, stride 2, no padding,
 * NCHW, float), forward and backward in plain Java; anything else goes to Deeplearning4j's own.
 *
 * <p>Why: M2.1 runs max-pooling as libnd4j's {@code maxpool2d} op, which hands oneDNN plain NCHW,
 * for which oneDNN has only its reference loop; and its backward pass, through the oneDNN layer
 * helper, runs that forward loop again to find the maxima. A native profile put pooling at over a
 * quarter of a training step, as much as both convolutions (docs/BENCHMARKS.md). Here it is one
 * pass over contiguous rows: 7x faster forward and 3x faster backward on this machine
 * ({@code PoolingBenchmark}).
 *
 * <p>Same numbers as the layer it replaces: the forward pass keeps each window's largest value, and
 * the backward pass gives each window's gradient to the first largest element in row-major order,
 * as oneDNN does, so a tie never doubles a gradient ({@code JavaMaxPoolingTest} holds outputs,
 * gradients and a training run to be identical). The network's configuration is untouched, so
 * snapshots are the same and any Deeplearning4j reads them.
 */
public final class JavaMaxPooling extends SubsamplingLayer {
    /** Planes (one image's one channel) per parallel task: enough work to be worth handing over. */
    private static final int PLANES_PER_TASK = 64;

    private JavaMaxPooling(SubsamplingLayer original, DataType dataType) {
        super(original.conf(), dataType);
        setIndex(original.getIndex());
        setListeners(original.getListeners());
    }

    /**
     * Replaces the network's max-pooling layers with this one, after {@code init()} and before
     * training or inference; safe to call twice. Layers it does not cover stay as they are.
     */
    public static MultiLayerNetwork install(MultiLayerNetwork network) {
        DataType dataType = network.getLayerWiseConfigurations().getDataType();
        if (dataType != DataType.FLOAT) {
            return network;
        }
        return LayerReplacement.replace(
                network,
                layer -> layer instanceof SubsamplingLayer pooling
                                && !(pooling instanceof JavaMaxPooling)
                                && covers((org.deeplearning4j.nn.conf.layers.SubsamplingLayer)
                                        pooling.conf().getLayer())
                        ? new JavaMaxPooling(pooling, dataType)
                        : layer);
    }

    /** How many of the network's layers pool through this class. */
    public static long countIn(MultiLayerNetwork network) {
        return Arrays.stream(network.getLayers())
                .filter(JavaMaxPooling.class::isInstance)
                .count();
    }

    private static boolean covers(org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf) {
        return conf.getPoolingType() == PoolingType.MAX
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conf.getConvolutionMode() != ConvolutionMode.Same
                && Arrays.equals(conf.getKernelSize(), new int[] {2, 2})
                && Arrays.equals(conf.getStride(), new int[] {2, 2})
                && Arrays.equals(conf.getPadding(), new int[] {0, 0})
                && Arrays.equals(conf.getDilation(), new int[] {1, 1});
    }

    /** Whether these input activations take the Java path (else Deeplearning4j's own runs). */
    public static boolean takesJavaPath(INDArray array) {
        return array.rank() == 4 && FloatArrays.isPlainRowMajorFloat(array) && array.size(2) >= 2 && array.size(3) >= 2;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaces) {
        assertInputSet(false);
        if (!takesJavaPath(input)) {
            return super.activate(training, workspaces);
        }
        long[] shape = input.shape();
        INDArray output = workspaces.createUninitialized(
                ArrayType.ACTIVATIONS,
                DataType.FLOAT,
                new long[] {shape[0], shape[1], shape[2] / 2, shape[3] / 2},
                'c');
        FloatBuffer in = FloatArrays.floats(input);
        FloatBuffer out = FloatArrays.floats(output);
        forEachWindow(shape, (topLeft, rowLength, pooled) -> {
            float upper = Math.max(in.get(topLeft), in.get(topLeft + 1));
            float lower = Math.max(in.get(topLeft + rowLength), in.get(topLeft + rowLength + 1));
            out.put(pooled, Math.max(upper, lower));
        });
        return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaces) {
        assertInputSet(true);
        if (!takesJavaPath(input) || epsilon.dataType() != DataType.FLOAT || epsilon.rank() != 4) {
            return super.backpropGradient(epsilon, workspaces);
        }
        long[] shape = input.shape();
        INDArray gradientOut = FloatArrays.isPlainRowMajorFloat(epsilon) ? epsilon : epsilon.dup('c');
        // every element of an even-sized input is written below; an odd edge row or column is not
        boolean odd = shape[2] % 2 != 0 || shape[3] % 2 != 0;
        INDArray gradientIn = odd
                ? workspaces.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, shape, 'c')
                : workspaces.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, shape, 'c');
        FloatBuffer in = FloatArrays.floats(input);
        FloatBuffer eps = FloatArrays.floats(gradientOut);
        FloatBuffer grad = FloatArrays.floats(gradientIn);
        forEachWindow(shape, (topLeft, rowLength, pooled) -> {
            int bottomLeft = topLeft + rowLength;
            float a = in.get(topLeft);
            float b = in.get(topLeft + 1);
            float c = in.get(bottomLeft);
            float d = in.get(bottomLeft + 1);
            float g = eps.get(pooled);
            // the first largest, in row-major order, takes the gradient (ties: the earliest)
            int best = 0;
            float max = a;
            if (b > max) {
                best = 1;
                max = b;
            }
            if (c > max) {
                best = 2;
                max = c;
            }
            if (d > max) {
                best = 3;
            }
            grad.put(topLeft, best == 0 ? g : 0f);
            grad.put(topLeft + 1, best == 1 ? g : 0f);
            grad.put(bottomLeft, best == 2 ? g : 0f);
            grad.put(bottomLeft + 1, best == 3 ? g : 0f);
        });
        return new Pair<>(new DefaultGradient(), gradientIn);
    }

    /** What is done with one 2x2 window. */
    private interface Window {
        /**
         * @param topLeft   index of the window's top-left element in the input
         * @param rowLength elements per input row (the bottom row starts this far on)
         * @param pooled    index of the window's element in the pooled output
         */
        void visit(int topLeft, int rowLength, int pooled);
    }

    /** Every 2x2 window of an NCHW input, planes shared among the common pool's threads. */
    private static void forEachWindow(long[] shape, Window window) {
        int height = (int) shape[2];
        int width = (int) shape[3];
        int outHeight = height / 2;
        int outWidth = width / 2;
        FloatArrays.inParallel((int) (shape[0] * shape[1]), PLANES_PER_TASK, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int inPlane = plane * height * width;
                int outPlane = plane * outHeight * outWidth;
                for (int oy = 0; oy < outHeight; oy++) {
                    int top = inPlane + 2 * oy * width;
                    int row = outPlane + oy * outWidth;
                    for (int ox = 0; ox < outWidth; ox++) {
                        window.visit(top + 2 * ox, width, row + ox);
                    }
                }
            }
        });
    }
}
