package io.digitstream.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An int8 graph derived from an admitted float32 one, in ONNX's operator form: each convolution
 * with weights of its own and dot products of at least {@link #MIN_DEPTH} becomes a {@code QLinearConv} (weights per output channel, activations
 * with static scales calibrated on images the promotion gate never scores), a {@code Relu} after
 * it folds into the output's range (a zero point of 0 clamps at zero), a {@code MaxPool} after it
 * runs on the uint8 values, and everything else stays float32, behind one {@code
 * DequantizeLinear}. For the reference CNN that is its second convolution, 93 % of its
 * multiply-adds; the first convolution, the dense layer and the softmax stay float32. ONNX Runtime
 * runs int8 convolutions in NHWC, so the graph meets it there at both ends: a float32 input is
 * quantized by way of NHWC ({@link #quantizeInNhwc}), and where the uint8 result is flattened
 * straight into a dense layer, the graph flattens it in NHWC order and permutes the dense weights to
 * match. Between the two no transpose is left to run.
 *
 * <p>The graph is a pure function of the signed float32 graph and the fixed calibration images, so
 * every instance derives the same one, and the caller checks it against the float32 graph on the
 * canary images before it may serve.
 */
final class Int8Graph {
    /**
     * Weights use 7 bits (-63..63). Without VNNI (AVX2, and AVX-512 before it), x86 adds two
     * uint8 x int8 products in 16 bits, which full 8-bit weights can overflow (ONNX Runtime's
     * quantization guide calls this reduce_range); one graph for every machine keeps every
     * instance's answers the same.
     */
    static final int WEIGHT_LEVEL = 63;

    /**
     * A convolution whose dot products are shorter than this (input channels x kernel height x
     * width) stays float32. ONNX Runtime's int8 kernels pack the reduction in blocks (an AMX tile
     * row holds 64 bytes): the reference CNN's first convolution (1 channel, 3x3: 9) took 8x its
     * float32 time in int8 on a Xeon with AMX, while the second (288) took a third of its float32
     * time (docs/BENCHMARKS.md, E1). The first is 6 % of the multiply-adds.
     */
    static final int MIN_DEPTH = 64;

    /** QLinearConv on uint8, MaxPool on uint8 and scalar QuantizeLinear all exist from here on. */
    static final int MIN_OPSET = 13;

    private static final int CALIBRATION_BATCH = 64;
    private static final String PREFIX = "digitstream.int8/";

    /** What a derivation gives: the int8 graph, or why there is none. */
    sealed interface Derivation permits Derived, NotDerived {}

    /** @param convolutions how many convolutions run in int8 */
    record Derived(byte[] model, int convolutions) implements Derivation {}

    record NotDerived(String reason) implements Derivation {}

    /** A convolution to quantize; {@code relu} is the index of the Relu folded into it, or -1. */
    private record ConvStep(int node, int relu, String input, String weights, String bias, String output) {}

    /**
     * A uint8 tensor of {@code channels} channels flattened ({@code Reshape} or {@code Flatten},
     * node {@code flatten}) straight into a {@code Gemm} (node {@code gemm}) with weights of its
     * own: flattened in NHWC order instead, with the weights' rows permuted to match.
     */
    private record NhwcFlatten(int flatten, int gemm, String weights, int channels) {}

    /** A tensor held as uint8: its name then, and how to read it back as float32. */
    private record Quantized(String name, String scale, String zeroPoint, float scaleValue) {}

    private Int8Graph() {}

    /**
     * @param calibration {@code count * 784} grey values of images the gate does not score
     */
    static Derivation derive(OnnxGraph admitted, byte[] model, byte[] calibration, int count) {
        RawGraph raw = RawGraph.of(model);
        if (raw.standardOpset() < MIN_OPSET) {
            return new NotDerived("opset " + raw.standardOpset() + "; the int8 graph needs " + MIN_OPSET + " or later");
        }
        Map<Integer, ConvStep> convolutions = new LinkedHashMap<>();
        Set<Integer> pools = new HashSet<>();
        Set<String> calibrated = new LinkedHashSet<>();
        Map<Integer, NhwcFlatten> flattens = new HashMap<>();
        plan(raw, admitted, convolutions, pools, calibrated, flattens);
        if (convolutions.isEmpty()) {
            return new NotDerived("the graph has no convolution with weights of its own to run in int8");
        }
        Map<String, float[]> ranges = calibrate(raw, admitted.inputName(), calibrated, calibration, count);
        return new Derived(build(raw, admitted, convolutions, pools, flattens, ranges), convolutions.size());
    }

    /** Which convolutions and pools run in int8, and which float tensors need a calibrated range. */
    private static void plan(
            RawGraph raw,
            OnnxGraph admitted,
            Map<Integer, ConvStep> convolutions,
            Set<Integer> pools,
            Set<String> calibrated,
            Map<Integer, NhwcFlatten> flattens) {
        Map<String, List<Integer>> consumers = new HashMap<>();
        Map<String, Integer> uses = new HashMap<>();
        for (int i = 0; i < raw.nodes.size(); i++) {
            for (String input : raw.nodes.get(i).inputs()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(i);
                uses.merge(input, 1, Integer::sum);
            }
        }
        Set<String> quantized = new HashSet<>();
        Map<String, Integer> channels = new HashMap<>();
        for (int i = 0; i < raw.nodes.size(); i++) {
            RawGraph.Node node = raw.nodes.get(i);
            if (node.op().equals("Conv") && quantizable(node, admitted, uses)) {
                String y = node.outputs().get(0);
                List<Integer> next = consumers.getOrDefault(y, List.of());
                int relu = next.size() == 1
                                && raw.nodes.get(next.get(0)).op().equals("Relu")
                                && !raw.outputNames.contains(y)
                        ? next.get(0)
                        : -1;
                String output = relu >= 0 ? raw.nodes.get(relu).outputs().get(0) : y;
                String x = node.inputs().get(0);
                if (!quantized.contains(x)) {
                    calibrated.add(x);
                }
                calibrated.add(output);
                quantized.add(output);
                channels.put(
                        output, (int) admitted.initializer(node.inputs().get(1)).dims()[0]);
                String bias = node.inputs().size() > 2 && !node.inputs().get(2).isEmpty()
                        ? node.inputs().get(2)
                        : null;
                convolutions.put(i, new ConvStep(i, relu, x, node.inputs().get(1), bias, output));
            } else if (node.op().equals("MaxPool")
                    && node.outputs().size() == 1
                    && quantized.contains(node.inputs().get(0))) {
                pools.add(i);
                quantized.add(node.outputs().get(0));
                channels.put(node.outputs().get(0), channels.get(node.inputs().get(0)));
            } else if ((node.op().equals("Reshape") || node.op().equals("Flatten"))
                    && quantized.contains(node.inputs().get(0))) {
                NhwcFlatten flatten = nhwcFlatten(raw, admitted, i, consumers, uses, channels);
                if (flatten != null) {
                    flattens.put(i, flatten);
                    flattens.put(flatten.gemm(), flatten);
                }
            }
        }
    }

    /**
     * The flatten at {@code node} as an {@link NhwcFlatten}, or null where the rewrite would not
     * be exact: its input or output read elsewhere or by the graph's caller, a {@code Flatten}
     * other than at axis 1, or a {@code Gemm} with attributes or weights not a float matrix of
     * its own whose rows split into the channels.
     */
    private static NhwcFlatten nhwcFlatten(
            RawGraph raw,
            OnnxGraph admitted,
            int node,
            Map<String, List<Integer>> consumers,
            Map<String, Integer> uses,
            Map<String, Integer> channels) {
        RawGraph.Node flatten = raw.nodes.get(node);
        String in = flatten.inputs().get(0);
        String out = flatten.outputs().get(0);
        if (uses.get(in) != 1 || raw.outputNames.contains(in) || raw.outputNames.contains(out)) {
            return null;
        }
        if (flatten.op().equals("Flatten") && !flatten.attributes().isEmpty()) {
            return null; // axis given: maybe not 1
        }
        List<Integer> next = consumers.getOrDefault(out, List.of());
        if (next.size() != 1) {
            return null;
        }
        RawGraph.Node gemm = raw.nodes.get(next.get(0));
        if (!gemm.op().equals("Gemm")
                || !gemm.attributes().isEmpty()
                || gemm.inputs().size() < 2
                || !gemm.inputs().get(0).equals(out)) {
            return null;
        }
        OnnxGraph.Tensor w = admitted.initializer(gemm.inputs().get(1));
        Integer c = channels.get(in);
        if (w == null
                || w.floats() == null
                || w.dims().length != 2
                || uses.get(w.name()) != 1
                || c == null
                || w.dims()[0] % c != 0) {
            return null;
        }
        return new NhwcFlatten(node, next.get(0), w.name(), c);
    }

    /** Float weights [M, C, kh, kw] and a float bias [M] of its own, neither shared with another node. */
    private static boolean quantizable(RawGraph.Node conv, OnnxGraph admitted, Map<String, Integer> uses) {
        if (conv.inputs().size() < 2) {
            return false;
        }
        OnnxGraph.Tensor w = admitted.initializer(conv.inputs().get(1));
        if (w == null || w.floats() == null || w.dims().length != 4 || uses.get(w.name()) != 1) {
            return false;
        }
        if (w.dims()[1] * w.dims()[2] * w.dims()[3] < MIN_DEPTH) {
            return false;
        }
        if (conv.inputs().size() > 2 && !conv.inputs().get(2).isEmpty()) {
            OnnxGraph.Tensor b = admitted.initializer(conv.inputs().get(2));
            return b != null && b.floats() != null && b.floats().length == w.dims()[0] && uses.get(b.name()) == 1;
        }
        return true;
    }

    /**
     * The least and greatest value of each tensor over the calibration images: the float32 graph
     * run once more with those tensors as extra outputs.
     */
    private static Map<String, float[]> calibrate(
            RawGraph raw, String inputName, Set<String> tensors, byte[] pixels, int count) {
        Map<String, float[]> ranges = new HashMap<>();
        tensors.forEach(t -> ranges.put(t, new float[] {0, 0})); // zero always representable
        Set<String> probed = new LinkedHashSet<>(tensors);
        probed.remove(inputName);
        List<ProtoWriter> extra = new ArrayList<>();
        for (String t : probed) {
            if (!raw.outputNames.contains(t)) {
                extra.add(OnnxProto.output(t, OnnxGraph.FLOAT));
            }
        }
        byte[] probe = raw.write(unchanged(raw), Set.of(), List.of(), extra);
        try (var options = new OrtSession.SessionOptions();
                OrtSession session = OnnxEngine.environment().createSession(probe, options)) {
            for (int start = 0; start < count; start += CALIBRATION_BATCH) {
                int n = Math.min(CALIBRATION_BATCH, count - start);
                byte[] batch = java.util.Arrays.copyOfRange(pixels, start * Mnist.PIXELS, (start + n) * Mnist.PIXELS);
                float[] input = MnistTranslator.input(batch, n);
                if (ranges.containsKey(inputName)) {
                    widen(ranges.get(inputName), FloatBuffer.wrap(input));
                }
                try (OnnxTensor tensor =
                                OnnxTensor.createTensor(OnnxEngine.environment(), FloatBuffer.wrap(input), new long[] {
                                    n, 1, Mnist.SIDE, Mnist.SIDE
                                });
                        OrtSession.Result result = session.run(Map.of(inputName, tensor), probed)) {
                    for (String t : probed) {
                        widen(ranges.get(t), ((OnnxTensor) result.get(t).orElseThrow()).getFloatBuffer());
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("calibrating the int8 graph failed: " + e.getMessage(), e);
        }
        return ranges;
    }

    private static void widen(float[] range, FloatBuffer values) {
        while (values.hasRemaining()) {
            float v = values.get();
            range[0] = Math.min(range[0], v);
            range[1] = Math.max(range[1], v);
        }
    }

    private static List<ProtoWriter> unchanged(RawGraph raw) {
        return raw.nodes.stream().map(RawGraph::unchanged).toList();
    }

    private static byte[] build(
            RawGraph raw,
            OnnxGraph admitted,
            Map<Integer, ConvStep> convolutions,
            Set<Integer> pools,
            Map<Integer, NhwcFlatten> flattens,
            Map<String, float[]> ranges) {
        List<ProtoWriter> nodes = new ArrayList<>();
        List<ProtoWriter> added = new ArrayList<>();
        Set<String> dropped = new HashSet<>();
        Map<String, Quantized> quantized = new HashMap<>();
        Set<String> uint8Only = new HashSet<>(); // no float32 version of these exists (yet)
        Set<Integer> folded = new HashSet<>();
        convolutions.values().forEach(c -> {
            if (c.relu() >= 0) {
                folded.add(c.relu());
            }
        });
        for (int i = 0; i < raw.nodes.size(); i++) {
            RawGraph.Node node = raw.nodes.get(i);
            ConvStep conv = convolutions.get(i);
            if (conv != null) {
                Quantized x = quantized.get(conv.input());
                if (x == null) {
                    x = activation(conv.input(), ranges.get(conv.input()), added);
                    quantizeInNhwc(conv.input(), x, nodes, added);
                    quantized.put(conv.input(), x);
                }
                Quantized y = activation(conv.output(), ranges.get(conv.output()), added);
                List<String> inputs = new ArrayList<>(List.of(x.name(), x.scale(), x.zeroPoint()));
                float[] weightScales = weights(admitted.initializer(conv.weights()), inputs, added);
                inputs.addAll(List.of(y.scale(), y.zeroPoint()));
                if (conv.bias() != null) {
                    inputs.add(bias(admitted.initializer(conv.bias()), x.scaleValue(), weightScales, added));
                    dropped.add(conv.bias());
                }
                dropped.add(conv.weights());
                nodes.add(RawGraph.node("QLinearConv", inputs, List.of(y.name()), node.attributes()));
                quantized.put(conv.output(), y);
                uint8Only.add(conv.output());
            } else if (folded.contains(i)) {
                continue; // the convolution's output range starts at zero: that is the ReLU
            } else if (flattens.containsKey(i) && flattens.get(i).flatten() == i) {
                // ONNX Runtime runs the int8 convolution and pool in NHWC and would transpose back to
                // NCHW here: this transpose cancels its, and the flatten reads NHWC's order
                String tensor = node.inputs().get(0);
                Quantized q = quantized.get(tensor);
                String nhwc = q.name() + "/nhwc";
                String nhwcFloat = PREFIX + tensor + "/nhwc-float";
                nodes.add(transpose(q.name(), nhwc, 0, 2, 3, 1));
                nodes.add(RawGraph.node(
                        "DequantizeLinear", List.of(nhwc, q.scale(), q.zeroPoint()), List.of(nhwcFloat), List.of()));
                List<String> inputs = new ArrayList<>(node.inputs());
                inputs.set(0, nhwcFloat);
                nodes.add(RawGraph.node(node.op(), inputs, node.outputs(), node.attributes()));
                uint8Only.remove(tensor);
            } else if (flattens.containsKey(i)) {
                NhwcFlatten flatten = flattens.get(i);
                String weights = PREFIX + flatten.weights() + "/nhwc";
                added.add(nhwcRows(admitted.initializer(flatten.weights()), flatten.channels(), weights));
                dropped.add(flatten.weights());
                List<String> inputs = new ArrayList<>(node.inputs());
                inputs.set(1, weights);
                nodes.add(RawGraph.node(node.op(), inputs, node.outputs(), node.attributes()));
            } else if (pools.contains(i)) {
                Quantized in = quantized.get(node.inputs().get(0));
                String out = node.outputs().get(0);
                Quantized pooled = new Quantized(PREFIX + out, in.scale(), in.zeroPoint(), in.scaleValue());
                nodes.add(RawGraph.node("MaxPool", List.of(in.name()), List.of(pooled.name()), node.attributes()));
                quantized.put(out, pooled);
                uint8Only.add(out);
            } else {
                for (String input : node.inputs()) {
                    dequantize(input, quantized, uint8Only, nodes);
                }
                nodes.add(RawGraph.unchanged(node));
            }
        }
        for (String output : raw.outputNames) {
            dequantize(output, quantized, uint8Only, nodes);
        }
        return raw.write(nodes, dropped, added, List.of());
    }

    /**
     * {@code tensor} (float32, NCHW) quantized into {@code x} by way of NHWC. ONNX Runtime runs the
     * int8 convolution in NHWC and, left to itself, quantizes in NCHW and then transposes the uint8
     * tensor; a float32 convolution before it runs in its blocked layout (NCHWc) and is reordered
     * to NCHW first. Transposed to NHWC right after that float32 node, the reorder writes NHWC at
     * once ({@code ReorderOutput} with {@code channels_last}), and the transpose back cancels
     * against the one ONNX Runtime adds in front of the convolution: two passes over the
     * activations fewer, about a quarter of the int8 graph's time at batch 128 (docs/BENCHMARKS.md,
     * E1). The reshape that changes nothing keeps ONNX Runtime's transpose optimizer from moving
     * the first transpose past the quantization again, where it would run on uint8 as before.
     */
    private static void quantizeInNhwc(String tensor, Quantized x, List<ProtoWriter> nodes, List<ProtoWriter> added) {
        String nhwc = PREFIX + tensor + "/nhwc-in";
        String fenced = PREFIX + tensor + "/nhwc-fenced";
        String quantizedNhwc = x.name() + "/nhwc";
        String sameShape = PREFIX + tensor + "/same-shape";
        added.add(OnnxProto.int64Tensor(sameShape, new long[] {4}, new long[] {0, 0, 0, 0}));
        nodes.add(transpose(tensor, nhwc, 0, 2, 3, 1));
        nodes.add(RawGraph.node("Reshape", List.of(nhwc, sameShape), List.of(fenced), List.of()));
        nodes.add(RawGraph.node(
                "QuantizeLinear", List.of(fenced, x.scale(), x.zeroPoint()), List.of(quantizedNhwc), List.of()));
        nodes.add(transpose(quantizedNhwc, x.name(), 0, 3, 1, 2));
    }

    private static ProtoWriter transpose(String input, String output, long... perm) {
        return RawGraph.node(
                "Transpose",
                List.of(input),
                List.of(output),
                List.of(ByteString.copyFrom(OnnxProto.ints("perm", perm).toByteArray())));
    }

    private static void dequantize(
            String tensor, Map<String, Quantized> quantized, Set<String> uint8Only, List<ProtoWriter> nodes) {
        if (uint8Only.remove(tensor)) {
            Quantized q = quantized.get(tensor);
            nodes.add(RawGraph.node(
                    "DequantizeLinear", List.of(q.name(), q.scale(), q.zeroPoint()), List.of(tensor), List.of()));
        }
    }

    /** uint8 with a zero point: the range stretched to include zero, 255 steps across it. */
    private static Quantized activation(String tensor, float[] range, List<ProtoWriter> added) {
        float min = Math.min(range[0], 0);
        float max = Math.max(range[1], 0);
        float scale = max > min ? (max - min) / 255f : 1f;
        int zeroPoint = Math.max(0, Math.min(255, Math.round(-min / scale)));
        String scaleName = PREFIX + tensor + "/scale";
        String zeroName = PREFIX + tensor + "/zero_point";
        added.add(OnnxProto.rawTensor(scaleName, OnnxGraph.FLOAT, new long[0], floats(scale)));
        added.add(OnnxProto.rawTensor(zeroName, OnnxGraph.UINT8, new long[0], new byte[] {(byte) zeroPoint}));
        return new Quantized(PREFIX + tensor, scaleName, zeroName, scale);
    }

    /** Per output channel: scale = its largest magnitude / {@link #WEIGHT_LEVEL}, zero point 0. */
    private static float[] weights(OnnxGraph.Tensor w, List<String> inputs, List<ProtoWriter> added) {
        int channels = (int) w.dims()[0];
        int perChannel = w.floats().length / channels;
        float[] scales = new float[channels];
        byte[] q = new byte[w.floats().length];
        for (int c = 0; c < channels; c++) {
            float largest = 0;
            for (int k = 0; k < perChannel; k++) {
                largest = Math.max(largest, Math.abs(w.floats()[c * perChannel + k]));
            }
            scales[c] = largest > 0 ? largest / WEIGHT_LEVEL : 1f;
            for (int k = 0; k < perChannel; k++) {
                int level = Math.round(w.floats()[c * perChannel + k] / scales[c]);
                q[c * perChannel + k] = (byte) Math.max(-WEIGHT_LEVEL, Math.min(WEIGHT_LEVEL, level));
            }
        }
        String name = PREFIX + w.name();
        added.add(OnnxProto.rawTensor(name, OnnxGraph.INT8, w.dims(), q));
        added.add(OnnxProto.rawTensor(name + "/scale", OnnxGraph.FLOAT, new long[] {channels}, floats(scales)));
        added.add(OnnxProto.rawTensor(name + "/zero_point", OnnxGraph.INT8, new long[] {channels}, new byte[channels]));
        inputs.addAll(List.of(name, name + "/scale", name + "/zero_point"));
        return scales;
    }

    /**
     * A dense layer's weights [channels x positions, outputs] with their rows reordered from
     * NCHW's flattening (channel, then position) to NHWC's (position, then channel).
     */
    private static ProtoWriter nhwcRows(OnnxGraph.Tensor w, int channels, String name) {
        int rows = (int) w.dims()[0];
        int columns = (int) w.dims()[1];
        int positions = rows / channels;
        float[] permuted = new float[w.floats().length];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < positions; p++) {
                System.arraycopy(
                        w.floats(), (c * positions + p) * columns, permuted, (p * channels + c) * columns, columns);
            }
        }
        return OnnxProto.rawTensor(name, OnnxGraph.FLOAT, w.dims(), floats(permuted));
    }

    /** int32 at the scale of input times weight, per channel, as QLinearConv adds it to the products. */
    private static String bias(OnnxGraph.Tensor b, float inputScale, float[] weightScales, List<ProtoWriter> added) {
        var raw = ByteBuffer.allocate(4 * weightScales.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < weightScales.length; c++) {
            double level = Math.rint(b.floats()[c] / ((double) inputScale * weightScales[c]));
            raw.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, level)));
        }
        String name = PREFIX + b.name();
        added.add(OnnxProto.rawTensor(name, OnnxGraph.INT32, b.dims(), raw.array()));
        return name;
    }

    private static byte[] floats(float... values) {
        var raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return raw.array();
    }
}
