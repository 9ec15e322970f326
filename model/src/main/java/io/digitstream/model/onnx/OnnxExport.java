package io.digitstream.model.onnx;

import io.digitstream.schemas.Mnist;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 *   pixels [N,784] ▸ Reshape [N,1,28,28] ▸ (Conv ▸ Relu ▸ MaxPool) x 2 ▸ Reshape [N,3136] ▸ Gemm ▸ Softmax
 * </pre>
 * Deeplearning4j and ONNX agree on NCHW, OIHW kernels, cross-correlation and the flattening order,
 * so the weights go across unchanged (an NHWC network would flatten in another order, so it is
 * refused). A network of another shape is refused, and the engine that
 * runs the graph is checked against Deeplearning4j's outputs before it serves.
 */
public final class OnnxExport {
    public static final String INPUT = "pixels";
    public static final String OUTPUT = "probabilities";

    // ONNX enums
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private OnnxExport() {}

    /** @throws UnsupportedOperationException when the network is not the reference architecture */
    public static byte[] export(MultiLayerNetwork network) {
        checkArchitecture(network);
        var graph = new ProtoWriter().string(2, "digitstream-reference-cnn");

        graph.message(5, int64Tensor("shape_image", new long[] {4}, new long[] {-1, 1, Mnist.SIDE, Mnist.SIDE}));
        graph.message(5, int64Tensor("shape_flat", new long[] {2}, new long[] {-1, 64 * 7 * 7}));
        addConv(graph, network.getLayer(0), "conv1");
        addConv(graph, network.getLayer(2), "conv2");
        Layer dense = network.getLayer(4);
        graph.message(5, floatTensor("dense_W", dense.getParam("W").shape(), values(dense.getParam("W"))));
        graph.message(5, floatTensor("dense_b", new long[] {Mnist.CLASSES}, values(dense.getParam("b"))));

        graph.message(1, node("Reshape", new String[] {INPUT, "shape_image"}, "image"));
        graph.message(
                1,
                node(
                        "Conv",
                        new String[] {"image", "conv1_W", "conv1_b"},
                        "c1",
                        ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1),
                        ints("strides", 1, 1)));
        graph.message(1, node("Relu", new String[] {"c1"}, "r1"));
        graph.message(1, node("MaxPool", new String[] {"r1"}, "p1", ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
        graph.message(
                1,
                node(
                        "Conv",
                        new String[] {"p1", "conv2_W", "conv2_b"},
                        "c2",
                        ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1),
                        ints("strides", 1, 1)));
        graph.message(1, node("Relu", new String[] {"c2"}, "r2"));
        graph.message(1, node("MaxPool", new String[] {"r2"}, "p2", ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
        graph.message(1, node("Reshape", new String[] {"p2", "shape_flat"}, "flat"));
        graph.message(1, node("Gemm", new String[] {"flat", "dense_W", "dense_b"}, "logits"));
        graph.message(1, node("Softmax", new String[] {"logits"}, OUTPUT, integer("axis", 1)));

        graph.message(11, valueInfo(INPUT, Mnist.PIXELS));
        graph.message(12, valueInfo(OUTPUT, Mnist.CLASSES));

        return new ProtoWriter()
                .varint(1, 7) // ir_version
                .string(2, "digitstream") // producer_name
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, 13)) // opset_import: ai.onnx 13
                .toByteArray();
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
        graph.message(5, floatTensor(name + "_W", w.shape(), values(w)));
        graph.message(5, floatTensor(name + "_b", new long[] {b.length()}, values(b)));
    }

    /** Row-major values of a parameter; parameters are views into one buffer, so copy first. */
    private static float[] values(org.nd4j.linalg.api.ndarray.INDArray parameter) {
        return parameter.dup('c').data().asFloat();
    }

    private static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
        var raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        var tensor = new ProtoWriter();
        for (long d : dims) {
            tensor.varint(1, d);
        }
        return tensor.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
    }

    private static ProtoWriter int64Tensor(String name, long[] dims, long[] values) {
        var raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        var tensor = new ProtoWriter();
        for (long d : dims) {
            tensor.varint(1, d);
        }
        return tensor.varint(2, INT64).string(8, name).bytes(9, raw.array());
    }

    private static ProtoWriter node(String op, String[] inputs, String output, ProtoWriter... attributes) {
        var node = new ProtoWriter();
        for (String input : inputs) {
            node.string(1, input);
        }
        node.string(2, output).string(3, output + "_" + op).string(4, op);
        for (ProtoWriter attribute : attributes) {
            node.message(5, attribute);
        }
        return node;
    }

    private static ProtoWriter ints(String name, long... values) {
        var attribute = new ProtoWriter().string(1, name);
        for (long v : values) {
            attribute.varint(8, v);
        }
        return attribute.varint(20, ATTR_INTS);
    }

    private static ProtoWriter integer(String name, long value) {
        return new ProtoWriter().string(1, name).varint(3, value).varint(20, ATTR_INT);
    }

    /** A float tensor of shape [batch, width], the batch dimension symbolic. */
    private static ProtoWriter valueInfo(String name, int width) {
        var shape = new ProtoWriter()
                .message(1, new ProtoWriter().string(2, "batch"))
                .message(1, new ProtoWriter().varint(1, width));
        var tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
