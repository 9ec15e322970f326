package io.digitstream.model.onnx;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.schemas.Mnist;
import java.util.Arrays;

/**
 * ONNX graphs built by hand for tests, without Deeplearning4j: small dense models that serve, and
 * hostile or malformed ones that admission must refuse. Every graph is {@code Flatten ▸ Gemm ▸
 * Softmax} unless its name says otherwise.
 */
public final class OnnxGraphs {
    private OnnxGraphs() {}

    /**
     * A one-layer softmax classifier that serves: the nearest mean image (of the first 2,000 training
     * images) as a linear layer, {@code x . m_d - |m_d|^2 / 2}. About 80 % on MNIST, above the gate's
     * default floor.
     */
    public static byte[] nearestMean() {
        return dense(Mnist.SIDE, Mnist.CLASSES, nearestMeanWeights(), nearestMeanBias(), true);
    }

    /** The same classifier without its softmax: it outputs logits. */
    public static byte[] nearestMeanLogits() {
        return dense(Mnist.SIDE, Mnist.CLASSES, nearestMeanWeights(), nearestMeanBias(), false);
    }

    /** A dense graph over {@code side x side} images to {@code outputs} classes, every weight {@code weight}. */
    public static byte[] dense(int side, int outputs, float weight) {
        float[] w = new float[side * side * outputs];
        Arrays.fill(w, weight);
        return dense(side, outputs, w, new float[outputs], true);
    }

    /** The served graph with one of its weights NaN. */
    public static byte[] withNanWeight() {
        float[] w = nearestMeanWeights();
        w[123] = Float.NaN;
        return dense(Mnist.SIDE, Mnist.CLASSES, w, nearestMeanBias(), true);
    }

    /** The served graph with {@code op} (of the standard domain) between Gemm and Softmax. */
    public static byte[] withOperator(String op) {
        return graph(g -> {
            g.message(1, OnnxProto.node(op, new String[] {"logits"}, "odd"));
            return "odd";
        });
    }

    /** The served graph with a Relu of a custom domain between Gemm and Softmax. */
    public static byte[] withForeignDomain() {
        return graph(g -> {
            g.message(1, OnnxProto.node("Relu", new String[] {"logits"}, "odd").string(7, "com.example.evil"));
            return "odd";
        });
    }

    /** The served graph plus an initializer declaring {@code elements} floats (and holding none). */
    public static byte[] withDeclaredInitializer(long elements) {
        return graph(g -> {
            g.message(5, new ProtoWriter().varint(1, elements).varint(2, 1).string(8, "huge"));
            return "logits";
        });
    }

    /** The served graph whose dense bias lives in a file beside the model (ONNX's external data). */
    public static byte[] withExternalBias() {
        float[] weights = nearestMeanWeights();
        var g = new ProtoWriter().string(2, "external");
        g.message(5, OnnxProto.floatTensor("W", new long[] {Mnist.PIXELS, Mnist.CLASSES}, weights));
        g.message(
                5,
                new ProtoWriter()
                        .varint(1, Mnist.CLASSES)
                        .varint(2, 1)
                        .string(8, "b")
                        .message(13, new ProtoWriter().string(1, "location").string(2, "/etc/passwd"))
                        .varint(14, 1));
        return finish(g, "logits", true);
    }

    /** Two nodes reading each other's output: no order computes them. */
    public static byte[] withCycle() {
        return graph(g -> {
            g.message(1, OnnxProto.node("Relu", new String[] {"y"}, "x"));
            g.message(1, OnnxProto.node("Relu", new String[] {"x"}, "y"));
            g.message(1, OnnxProto.node("Add", new String[] {"logits", "y"}, "summed"));
            return "summed";
        });
    }

    /** The served graph at an opset from before ONNX had today's operators. */
    public static byte[] atOpset(int opset) {
        var g = new ProtoWriter().string(2, "old");
        g.message(5, OnnxProto.floatTensor("W", new long[] {Mnist.PIXELS, Mnist.CLASSES}, nearestMeanWeights()));
        g.message(5, OnnxProto.floatTensor("b", new long[] {Mnist.CLASSES}, new float[Mnist.CLASSES]));
        g.message(1, OnnxProto.node("Flatten", new String[] {"image"}, "flat"));
        g.message(1, OnnxProto.node("Gemm", new String[] {"flat", "W", "b"}, "logits"));
        g.message(1, OnnxProto.node("Softmax", new String[] {"logits"}, "probabilities", OnnxProto.integer("axis", 1)));
        g.message(11, OnnxProto.valueInfo("image", 1, Mnist.SIDE, Mnist.SIDE));
        g.message(12, OnnxProto.valueInfo("probabilities", Mnist.CLASSES));
        return OnnxProto.model("tests", opset, g);
    }

    /** Adds nodes after the served graph's Gemm (output "logits"); returns the value Softmax reads. */
    private interface Extra {
        String add(ProtoWriter graph);
    }

    private static byte[] graph(Extra extra) {
        var g = new ProtoWriter().string(2, "test");
        g.message(5, OnnxProto.floatTensor("W", new long[] {Mnist.PIXELS, Mnist.CLASSES}, nearestMeanWeights()));
        g.message(5, OnnxProto.floatTensor("b", new long[] {Mnist.CLASSES}, new float[Mnist.CLASSES]));
        return finish(g, extra, true);
    }

    private static byte[] finish(ProtoWriter g, String logits, boolean softmax) {
        return finish(g, graph -> logits, softmax);
    }

    private static byte[] finish(ProtoWriter g, Extra extra, boolean softmax) {
        g.message(1, OnnxProto.node("Flatten", new String[] {"image"}, "flat"));
        g.message(1, OnnxProto.node("Gemm", new String[] {"flat", "W", "b"}, "logits"));
        String last = extra.add(g);
        String output = softmax ? "probabilities" : last;
        if (softmax) {
            g.message(1, OnnxProto.node("Softmax", new String[] {last}, output, OnnxProto.integer("axis", 1)));
        }
        g.message(11, OnnxProto.valueInfo("image", 1, Mnist.SIDE, Mnist.SIDE));
        g.message(12, OnnxProto.valueInfo(output, Mnist.CLASSES));
        return OnnxProto.model("tests", 13, g);
    }

    private static byte[] dense(int side, int outputs, float[] weights, float[] bias, boolean softmax) {
        var g = new ProtoWriter().string(2, "dense");
        g.message(5, OnnxProto.floatTensor("W", new long[] {(long) side * side, outputs}, weights));
        g.message(5, OnnxProto.floatTensor("b", new long[] {outputs}, bias));
        g.message(1, OnnxProto.node("Flatten", new String[] {"image"}, "flat"));
        g.message(1, OnnxProto.node("Gemm", new String[] {"flat", "W", "b"}, "logits"));
        String output = softmax ? "probabilities" : "logits";
        if (softmax) {
            g.message(1, OnnxProto.node("Softmax", new String[] {"logits"}, output, OnnxProto.integer("axis", 1)));
        }
        g.message(11, OnnxProto.valueInfo("image", 1, side, side));
        g.message(12, OnnxProto.valueInfo(output, outputs));
        return OnnxProto.model("tests", 13, g);
    }

    /** Scales the distances so that the softmax is about as confident as a trained network's. */
    private static final double SHARPNESS = 4;

    private static float[] cachedWeights;
    private static float[] cachedBias;

    /** [784, 10]: column d is digit d's mean image, scaled. */
    private static synchronized float[] nearestMeanWeights() {
        means();
        return cachedWeights.clone();
    }

    /** -|m_d|^2 / 2 per digit, scaled. */
    private static synchronized float[] nearestMeanBias() {
        means();
        return cachedBias.clone();
    }

    private static void means() {
        if (cachedWeights != null) {
            return;
        }
        MnistDataset train = MnistFixture.train();
        int n = Math.min(2000, train.size());
        double[][] mean = new double[Mnist.CLASSES][Mnist.PIXELS];
        int[] count = new int[Mnist.CLASSES];
        for (int i = 0; i < n; i++) {
            int label = train.label(i);
            count[label]++;
            byte[] image = train.image(i);
            for (int p = 0; p < Mnist.PIXELS; p++) {
                mean[label][p] += (image[p] & 0xFF) / 255.0;
            }
        }
        float[] w = new float[Mnist.PIXELS * Mnist.CLASSES];
        float[] b = new float[Mnist.CLASSES];
        for (int d = 0; d < Mnist.CLASSES; d++) {
            double norm = 0;
            for (int p = 0; p < Mnist.PIXELS; p++) {
                double m = mean[d][p] / Math.max(1, count[d]);
                w[p * Mnist.CLASSES + d] = (float) (SHARPNESS * m);
                norm += m * m;
            }
            b[d] = (float) (-SHARPNESS * norm / 2);
        }
        cachedWeights = w;
        cachedBias = b;
    }
}
