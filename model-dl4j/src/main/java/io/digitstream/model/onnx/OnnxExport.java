package io.digitstream.model.onnx;

import io.digitstream.schemas.Mnist;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

/**
 * Builds an ONNX graph (opset 13) from a Deeplearning4j network of the reference architecture,
 * with the snapshot's own weights:
 * <pre>
 *   pixels [N,1,28,28] ▸ (Conv ▸ Relu ▸ MaxPool) x 2 ▸ Reshape [N,3136] ▸ Gemm ▸ Softmax
 * </pre>
 * Deeplearning4j and ONNX agree on NCHW, OIHW kernels, cross-correlation and the flattening order,
 * so the weights go across unchanged (an NHWC network would flatten in another order, so it is
 * refused). A network of another shape is refused, and {@code Dl4jSnapshots} checks the graph
 * against Deeplearning4j's outputs before the trainer signs it.
 */
public final class OnnxExport {
    public static final String INPUT = "pixels";
    public static final String OUTPUT = "probabilities";

    private OnnxExport() {}

    /** An ONNX Runtime engine on the network's graph, for parity checks and benchmarks. */
    public static OnnxEngine engine(MultiLayerNetwork network, OnnxSettings settings) {
        return OnnxEngine.admitting(export(network), settings);
    }

    /** @throws UnsupportedOperationException when the network is not the reference architecture */
    public static byte[] export(MultiLayerNetwork network) {
        checkArchitecture(network);
        var graph = new ProtoWriter().string(2, "digitstream-reference-cnn");

        graph.message(5, OnnxProto.int64Tensor("shape_flat", new long[] {2}, new long[] {-1, 64 * 7 * 7}));
        addConv(graph, network.getLayer(0), "conv1");
        addConv(graph, network.getLayer(2), "conv2");
        Layer dense = network.getLayer(4);
        graph.message(5, OnnxProto.floatTensor("dense_W", dense.getParam("W").shape(), values(dense.getParam("W"))));
        graph.message(5, OnnxProto.floatTensor("dense_b", new long[] {Mnist.CLASSES}, values(dense.getParam("b"))));

        graph.message(
                1,
                OnnxProto.node(
                        "Conv",
                        new String[] {INPUT, "conv1_W", "conv1_b"},
                        "c1",
                        OnnxProto.ints("kernel_shape", 3, 3),
                        OnnxProto.ints("pads", 1, 1, 1, 1),
                        OnnxProto.ints("strides", 1, 1)));
        graph.message(1, OnnxProto.node("Relu", new String[] {"c1"}, "r1"));
        graph.message(
                1,
                OnnxProto.node(
                        "MaxPool",
                        new String[] {"r1"},
                        "p1",
                        OnnxProto.ints("kernel_shape", 2, 2),
                        OnnxProto.ints("strides", 2, 2)));
        graph.message(
                1,
                OnnxProto.node(
                        "Conv",
                        new String[] {"p1", "conv2_W", "conv2_b"},
                        "c2",
                        OnnxProto.ints("kernel_shape", 3, 3),
                        OnnxProto.ints("pads", 1, 1, 1, 1),
                        OnnxProto.ints("strides", 1, 1)));
        graph.message(1, OnnxProto.node("Relu", new String[] {"c2"}, "r2"));
        graph.message(
                1,
                OnnxProto.node(
                        "MaxPool",
                        new String[] {"r2"},
                        "p2",
                        OnnxProto.ints("kernel_shape", 2, 2),
                        OnnxProto.ints("strides", 2, 2)));
        graph.message(1, OnnxProto.node("Reshape", new String[] {"p2", "shape_flat"}, "flat"));
        graph.message(1, OnnxProto.node("Gemm", new String[] {"flat", "dense_W", "dense_b"}, "logits"));
        graph.message(1, OnnxProto.node("Softmax", new String[] {"logits"}, OUTPUT, OnnxProto.integer("axis", 1)));

        graph.message(11, OnnxProto.valueInfo(INPUT, 1, Mnist.SIDE, Mnist.SIDE));
        graph.message(12, OnnxProto.valueInfo(OUTPUT, Mnist.CLASSES));

        return OnnxProto.model("digitstream", 13, graph);
    }

    private static void checkArchitecture(MultiLayerNetwork network) {
        var layers = network.getLayerWiseConfigurations().getConfs();
        boolean ok = layers.size() == 5
                && layers.get(0).getLayer() instanceof ConvolutionLayer c1
                && isReferenceConv(c1, 1, 32)
                && layers.get(1).getLayer() instanceof SubsamplingLayer s1
                && isMaxPool2(s1)
                && layers.get(2).getLayer() instanceof ConvolutionLayer c2
                && isReferenceConv(c2, 32, 64)
                && layers.get(3).getLayer() instanceof SubsamplingLayer s2
                && isMaxPool2(s2)
                && layers.get(4).getLayer() instanceof OutputLayer out
                && out.getNIn() == 64 * 7 * 7
                && out.getNOut() == Mnist.CLASSES
                && out.getActivationFn() instanceof ActivationSoftmax;
        if (!ok) {
            throw new UnsupportedOperationException("the ONNX export covers the reference CNN only");
        }
    }

    private static boolean isReferenceConv(ConvolutionLayer conv, int in, int out) {
        return conv.getNIn() == in
                && conv.getNOut() == out
                && Arrays.equals(conv.getKernelSize(), new int[] {3, 3})
                && Arrays.equals(conv.getPadding(), new int[] {1, 1})
                && Arrays.equals(conv.getStride(), new int[] {1, 1})
                && conv.getConvolutionMode() != ConvolutionMode.Same
                && conv.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conv.getActivationFn() instanceof ActivationReLU
                && conv.hasBias();
    }

    private static boolean isMaxPool2(SubsamplingLayer pool) {
        return pool.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                && Arrays.equals(pool.getKernelSize(), new int[] {2, 2})
                && Arrays.equals(pool.getStride(), new int[] {2, 2})
                && Arrays.equals(pool.getPadding(), new int[] {0, 0})
                && pool.getCnn2dDataFormat() == CNN2DFormat.NCHW;
    }

    private static void addConv(ProtoWriter graph, Layer conv, String name) {
        var w = conv.getParam("W");
        var b = conv.getParam("b");
        graph.message(5, OnnxProto.floatTensor(name + "_W", w.shape(), values(w)));
        graph.message(5, OnnxProto.floatTensor(name + "_b", new long[] {b.length()}, values(b)));
    }

    /** Row-major values of a parameter; parameters are views into one buffer, so copy first. */
    private static float[] values(org.nd4j.linalg.api.ndarray.INDArray parameter) {
        return parameter.dup('c').data().asFloat();
    }
}
