package io.digitstream.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.digitstream.model.network.FirstConvolution;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX graph that passed admission, read from a snapshot's payload before ONNX Runtime sees a
 * byte of it. Admission is what a graph from anyone holding a signing key must pass, whoever
 * exported it:
 * <ul>
 *   <li>operators from an allowlist of the standard domain, at an opset ONNX Runtime implements,
 *       and no construct that carries code or graphs of its own (functions, training programs,
 *       sub-graph attributes, sparse tensors): {@link ErrorCode#GRAPH_OPERATOR_FORBIDDEN};
 *   <li>every tensor's bytes inside the payload: {@link ErrorCode#GRAPH_EXTERNAL_DATA} (ONNX Runtime
 *       would open the file named);
 *   <li>each initializer and constant at most {@value #MAX_TENSOR_ELEMENTS} elements and all of them
 *       together at most {@value #MAX_TOTAL_ELEMENTS}, their bytes matching their declared shape:
 *       {@link ErrorCode#GRAPH_INITIALIZER_TOO_LARGE};
 *   <li>nodes in topological order, each reading only values written before it: {@link
 *       ErrorCode#GRAPH_CYCLE};
 *   <li>one input {@code [batch, 1, 28, 28]} and one output {@code [batch, 10]}, floats, the batch
 *       symbolic: {@link ErrorCode#MODEL_SHAPE_MISMATCH};
 *   <li>finite float weights: {@link ErrorCode#MODEL_WEIGHTS_INVALID} (ReLU and max-pooling can hide a
 *       NaN weight from the canary batch).
 * </ul>
 * Anything else that does not read as ONNX is {@link ErrorCode#MODEL_UNLOADABLE}. The reader keeps
 * the little it needs: names, operators, and the float initializers (for the console's feature maps).
 */
public final class OnnxGraph {
    /**
     * What a graph of this task may compute with: convolutions, pooling, dense layers, the usual
     * activations and normalisations, shape plumbing as exporters emit it, and the quantization
     * operators an int8 graph needs. No control flow, no I/O, no random numbers, nothing that sizes
     * its output from data (ConstantOfShape, Expand, Tile, Resize).
     */
    public static final Set<String> ALLOWED_OPERATORS = Set.of(
            "Add",
            "AveragePool",
            "BatchNormalization",
            "Clip",
            "Concat",
            "Constant",
            "Conv",
            "ConvInteger",
            "DequantizeLinear",
            "Div",
            "Dropout",
            "Flatten",
            "Gather",
            "Gemm",
            "GlobalAveragePool",
            "GlobalMaxPool",
            "Identity",
            "LeakyRelu",
            "LogSoftmax",
            "MatMul",
            "MatMulInteger",
            "MaxPool",
            "Mul",
            "QLinearConv",
            "QLinearMatMul",
            "QuantizeLinear",
            "Relu",
            "Reshape",
            "Shape",
            "Sigmoid",
            "Softmax",
            "Squeeze",
            "Sub",
            "Tanh",
            "Transpose",
            "Unsqueeze");

    /** The opsets of the standard domain accepted: from the first with today's Softmax axis rules to what ONNX Runtime implements. */
    static final int MIN_OPSET = 7;

    static final int MAX_OPSET = 21;
    /** 4 M floats (16 MB) in one tensor: the reference CNN's largest holds 31,360. */
    static final long MAX_TENSOR_ELEMENTS = 4L * 1024 * 1024;
    /** 16 M elements (64 MB of floats) in all: the reference CNN holds 50,186. */
    static final long MAX_TOTAL_ELEMENTS = 16L * 1024 * 1024;

    static final int MAX_NODES = 10_000;
    private static final int MAX_NAME_IN_REASON = 80;

    // ONNX enums
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;
    private static final Map<Integer, Integer> ELEMENT_BYTES = Map.of(FLOAT, 4, UINT8, 1, INT8, 1, INT32, 4, INT64, 8);
    private static final int EXTERNAL = 1;

    private final String input;
    private final String output;
    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;

    private OnnxGraph(String input, String output, List<Node> nodes, Map<String, Tensor> initializers) {
        this.input = input;
        this.output = output;
        this.nodes = nodes;
        this.initializers = initializers;
    }

    /** The graph a payload holds if it passes admission, else the first reason it does not. */
    public static Decoded<OnnxGraph> admit(byte[] payload) {
        try {
            return Decoded.valid(new Reader().model(payload));
        } catch (Refusal refusal) {
            return Decoded.invalid(refusal.code, refusal.getMessage());
        } catch (IOException | RuntimeException e) {
            return Decoded.invalid(
                    ErrorCode.MODEL_UNLOADABLE, "the payload is not an ONNX model: " + abbreviate(e.getMessage()));
        }
    }

    /** The name of the graph's one input, {@code [batch, 1, 28, 28]}. */
    public String inputName() {
        return input;
    }

    public String outputName() {
        return output;
    }

    /** The operators in node order, for logs and tests. */
    public List<String> operators() {
        return nodes.stream().map(Node::op).toList();
    }

    /**
     * The first convolution, when it is one the console can show: 3x3 kernels over the one input
     * channel, padding 1, stride 1, its weights (and bias, if any) initializers.
     */
    public Optional<FirstConvolution> firstConvolution() {
        Node conv = nodes.stream().filter(n -> n.op.equals("Conv")).findFirst().orElse(null);
        if (conv == null || conv.inputs.size() < 2) {
            return Optional.empty();
        }
        Tensor weights = initializers.get(conv.inputs.get(1));
        if (weights == null
                || weights.floats == null
                || weights.dims.length != 4
                || weights.dims[1] != 1
                || weights.dims[2] != FirstConvolution.KERNEL_SIDE
                || weights.dims[3] != FirstConvolution.KERNEL_SIDE
                || !conv.ints.getOrDefault("pads", List.of(1L, 1L, 1L, 1L)).equals(List.of(1L, 1L, 1L, 1L))
                || !conv.ints.getOrDefault("strides", List.of(1L, 1L)).equals(List.of(1L, 1L))
                || !conv.ints.getOrDefault("dilations", List.of(1L, 1L)).equals(List.of(1L, 1L))
                || conv.ints.getOrDefault("group", List.of(1L)).get(0) != 1L) {
            return Optional.empty();
        }
        int kernels = (int) weights.dims[0];
        float[] bias = new float[kernels];
        if (conv.inputs.size() > 2 && !conv.inputs.get(2).isEmpty()) {
            Tensor b = initializers.get(conv.inputs.get(2));
            if (b == null || b.floats == null || b.floats.length != kernels) {
                return Optional.empty();
            }
            bias = b.floats;
        }
        return Optional.of(new FirstConvolution(weights.floats, bias));
    }

    /** An initializer by name, or null: the weights a rewrite of the graph reads. */
    Tensor initializer(String name) {
        return initializers.get(name);
    }

    record Node(String op, List<String> inputs, List<String> outputs, Map<String, List<Long>> ints) {}

    /** An initializer or constant; {@code floats} is set for float tensors only. */
    record Tensor(String name, int dataType, long[] dims, float[] floats) {}

    /** Why a graph is refused, thrown out of the reader's recursion. */
    private static final class Refusal extends RuntimeException {
        final ErrorCode code;

        Refusal(ErrorCode code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }
    }

    /** One pass over the protobuf, refusing as early as it can. */
    private static final class Reader {
        private long totalElements;
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, Tensor> initializers = new HashMap<>();
        private final List<ValueInfo> inputs = new ArrayList<>();
        private final List<ValueInfo> outputs = new ArrayList<>();
        private int standardOpset = -1;

        OnnxGraph model(byte[] payload) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(payload);
            ByteString graph = null;
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 7 -> graph = in.readBytes();
                    case 8 -> opset(in.readBytes());
                    case 20 ->
                        throw new Refusal(
                                ErrorCode.GRAPH_OPERATOR_FORBIDDEN,
                                "the model carries a training program (training_info)");
                    case 25 ->
                        throw new Refusal(
                                ErrorCode.GRAPH_OPERATOR_FORBIDDEN,
                                "the model defines functions of its own; only standard operators are allowed");
                    default -> in.skipField(tag);
                }
            }
            if (graph == null) {
                throw new Refusal(ErrorCode.MODEL_UNLOADABLE, "the payload holds no ONNX graph");
            }
            if (standardOpset < MIN_OPSET || standardOpset > MAX_OPSET) {
                throw new Refusal(
                        ErrorCode.GRAPH_OPERATOR_FORBIDDEN,
                        (standardOpset < 0 ? "the model imports no standard opset" : "opset " + standardOpset)
                                + "; allowed are " + MIN_OPSET + ".." + MAX_OPSET);
            }
            graph(graph);
            return checked();
        }

        private void opset(ByteString bytes) throws IOException {
            CodedInputStream in = bytes.newCodedInput();
            String domain = "";
            long version = -1;
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> domain = in.readStringRequireUtf8();
                    case 2 -> version = in.readInt64();
                    default -> in.skipField(tag);
                }
            }
            if (isStandard(domain)) {
                standardOpset = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, version));
            }
        }

        private void graph(ByteString bytes) throws IOException {
            CodedInputStream in = bytes.newCodedInput();
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> {
                        if (nodes.size() == MAX_NODES) {
                            throw new Refusal(
                                    ErrorCode.MODEL_UNLOADABLE, "the graph has more than " + MAX_NODES + " nodes");
                        }
                        nodes.add(node(in.readBytes()));
                    }
                    case 5 -> {
                        Tensor t = tensor(in.readBytes(), "initializer");
                        if (initializers.put(t.name, t) != null) {
                            throw new Refusal(
                                    ErrorCode.MODEL_UNLOADABLE,
                                    "two initializers are named '" + abbreviate(t.name) + "'");
                        }
                    }
                    case 11 -> inputs.add(valueInfo(in.readBytes()));
                    case 12 -> outputs.add(valueInfo(in.readBytes()));
                    case 15 ->
                        throw new Refusal(ErrorCode.GRAPH_OPERATOR_FORBIDDEN, "the graph has sparse initializers");
                    default -> in.skipField(tag);
                }
            }
        }

        private Node node(ByteString bytes) throws IOException {
            CodedInputStream in = bytes.newCodedInput();
            List<String> nodeInputs = new ArrayList<>();
            List<String> nodeOutputs = new ArrayList<>();
            Map<String, List<Long>> ints = new HashMap<>();
            String op = "";
            String domain = "";
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> nodeInputs.add(in.readStringRequireUtf8());
                    case 2 -> nodeOutputs.add(in.readStringRequireUtf8());
                    case 4 -> op = in.readStringRequireUtf8();
                    case 7 -> domain = in.readStringRequireUtf8();
                    case 5 -> attribute(in.readBytes(), ints);
                    default -> in.skipField(tag);
                }
            }
            if (!isStandard(domain)) {
                throw new Refusal(
                        ErrorCode.GRAPH_OPERATOR_FORBIDDEN,
                        "operator " + abbreviate(op) + " of domain '" + abbreviate(domain)
                                + "'; only the standard domain is allowed");
            }
            if (!ALLOWED_OPERATORS.contains(op)) {
                throw new Refusal(
                        ErrorCode.GRAPH_OPERATOR_FORBIDDEN,
                        "operator '" + abbreviate(op) + "' is not on the allowlist (" + ALLOWED_OPERATORS.size()
                                + " operators: convolution, pooling, dense, activations, shapes, quantization)");
            }
            return new Node(op, List.copyOf(nodeInputs), List.copyOf(nodeOutputs), Map.copyOf(ints));
        }

        private void attribute(ByteString bytes, Map<String, List<Long>> ints) throws IOException {
            CodedInputStream in = bytes.newCodedInput();
            String name = "";
            List<Long> values = new ArrayList<>();
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> name = in.readStringRequireUtf8();
                    case 3 -> values.add(in.readInt64());
                    case 8 -> readInt64s(in, tag, values);
                    case 5 -> tensor(in.readBytes(), "constant");
                    case 10 ->
                        throw new Refusal(ErrorCode.GRAPH_OPERATOR_FORBIDDEN, "an attribute holds a list of tensors");
                    case 6, 11 ->
                        throw new Refusal(
                                ErrorCode.GRAPH_OPERATOR_FORBIDDEN, "an attribute holds a sub-graph (control flow)");
                    case 22, 23 ->
                        throw new Refusal(ErrorCode.GRAPH_OPERATOR_FORBIDDEN, "an attribute holds a sparse tensor");
                    default -> in.skipField(tag);
                }
            }
            if (!values.isEmpty()) {
                ints.put(name, List.copyOf(values));
            }
        }

        private Tensor tensor(ByteString bytes, String kind) throws IOException {
            CodedInputStream in = bytes.newCodedInput();
            List<Long> dims = new ArrayList<>();
            int dataType = 0;
            String name = "";
            ByteString raw = null;
            List<Float> floatData = new ArrayList<>();
            long typedValues = 0;
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> readInt64s(in, tag, dims);
                    case 2 -> dataType = in.readInt32();
                    case 4 -> readFloats(in, tag, floatData);
                    case 5, 7 -> {
                        List<Long> values = new ArrayList<>();
                        readInt64s(in, tag, values);
                        typedValues += values.size();
                    }
                    case 8 -> name = in.readStringRequireUtf8();
                    case 9 -> raw = in.readBytes();
                    case 13 -> throw externalData(kind, name);
                    case 14 -> {
                        if (in.readEnum() == EXTERNAL) {
                            throw externalData(kind, name);
                        }
                    }
                    case 3, 6, 10, 11 ->
                        throw new Refusal(
                                ErrorCode.GRAPH_OPERATOR_FORBIDDEN,
                                kind + " '" + abbreviate(name) + "' is segmented, or of strings or doubles");
                    default -> in.skipField(tag);
                }
            }
            Integer elementBytes = ELEMENT_BYTES.get(dataType);
            if (elementBytes == null) {
                throw new Refusal(
                        ErrorCode.GRAPH_OPERATOR_FORBIDDEN,
                        kind + " '" + abbreviate(name) + "' has element type " + dataType
                                + "; allowed are float, int64, int32, int8 and uint8");
            }
            long elements = 1;
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i);
                if (shape[i] < 0) {
                    throw new Refusal(
                            ErrorCode.MODEL_UNLOADABLE, kind + " '" + abbreviate(name) + "' has a negative dimension");
                }
                // both factors at most MAX_TENSOR_ELEMENTS, so the product cannot overflow
                if (shape[i] > MAX_TENSOR_ELEMENTS || (elements *= shape[i]) > MAX_TENSOR_ELEMENTS) {
                    throw new Refusal(
                            ErrorCode.GRAPH_INITIALIZER_TOO_LARGE,
                            kind + " '" + abbreviate(name) + "' declares " + dims + ": more than " + MAX_TENSOR_ELEMENTS
                                    + " elements");
                }
            }
            totalElements += elements;
            if (totalElements > MAX_TOTAL_ELEMENTS) {
                throw new Refusal(
                        ErrorCode.GRAPH_INITIALIZER_TOO_LARGE,
                        "the graph's initializers and constants hold more than " + MAX_TOTAL_ELEMENTS + " elements");
            }
            long held = raw != null ? raw.size() / elementBytes : floatData.size() + typedValues;
            if (raw != null && raw.size() % elementBytes != 0 || held != elements) {
                throw new Refusal(
                        ErrorCode.MODEL_UNLOADABLE,
                        kind + " '" + abbreviate(name) + "' declares " + dims + " (" + elements
                                + " elements) but holds " + held);
            }
            float[] floats = null;
            if (dataType == FLOAT) {
                floats = new float[(int) elements];
                if (raw != null) {
                    raw.asReadOnlyByteBuffer()
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer()
                            .get(floats);
                } else {
                    for (int i = 0; i < floats.length; i++) {
                        floats[i] = floatData.get(i);
                    }
                }
                for (int i = 0; i < floats.length; i++) {
                    if (!Float.isFinite(floats[i])) {
                        throw new Refusal(
                                ErrorCode.MODEL_WEIGHTS_INVALID,
                                kind + " '" + abbreviate(name) + "' holds " + floats[i] + " at " + i);
                    }
                }
            }
            return new Tensor(name, dataType, shape, floats);
        }

        private static Refusal externalData(String kind, String name) {
            return new Refusal(
                    ErrorCode.GRAPH_EXTERNAL_DATA,
                    kind + " '" + abbreviate(name) + "' keeps its data in an external file; a snapshot must carry"
                            + " every weight inside it");
        }

        private ValueInfo valueInfo(ByteString bytes) throws IOException {
            CodedInputStream in = bytes.newCodedInput();
            String name = "";
            int elementType = 0;
            List<Object> shape = null;
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> name = in.readStringRequireUtf8();
                    case 2 -> {
                        // TypeProto.tensor_type (1): elem_type (1), shape (2) of dims (1): dim_value (1) or dim_param
                        // (2)
                        CodedInputStream type = in.readBytes().newCodedInput();
                        for (int t; (t = type.readTag()) != 0; ) {
                            if (WireFormat.getTagFieldNumber(t) != 1) {
                                type.skipField(t);
                                continue;
                            }
                            CodedInputStream tensor = type.readBytes().newCodedInput();
                            for (int u; (u = tensor.readTag()) != 0; ) {
                                switch (WireFormat.getTagFieldNumber(u)) {
                                    case 1 -> elementType = tensor.readInt32();
                                    case 2 -> shape = shape(tensor.readBytes());
                                    default -> tensor.skipField(u);
                                }
                            }
                        }
                    }
                    default -> in.skipField(tag);
                }
            }
            return new ValueInfo(name, elementType, shape);
        }

        /** Each dimension as a Long (fixed) or a String (symbolic, or unknown as ""). */
        private static List<Object> shape(ByteString bytes) throws IOException {
            CodedInputStream in = bytes.newCodedInput();
            List<Object> dims = new ArrayList<>();
            for (int tag; (tag = in.readTag()) != 0; ) {
                if (WireFormat.getTagFieldNumber(tag) != 1) {
                    in.skipField(tag);
                    continue;
                }
                CodedInputStream dim = in.readBytes().newCodedInput();
                Object value = "";
                for (int t; (t = dim.readTag()) != 0; ) {
                    switch (WireFormat.getTagFieldNumber(t)) {
                        case 1 -> value = dim.readInt64();
                        case 2 -> value = dim.readStringRequireUtf8();
                        default -> dim.skipField(t);
                    }
                }
                dims.add(value);
            }
            return dims;
        }

        /** The contract's shapes, then every node reading only what is written before it. */
        private OnnxGraph checked() {
            List<ValueInfo> fed = inputs.stream()
                    .filter(i -> !initializers.containsKey(i.name))
                    .toList();
            if (fed.size() != 1 || outputs.size() != 1) {
                throw new Refusal(
                        ErrorCode.MODEL_SHAPE_MISMATCH,
                        "the graph has " + fed.size() + " inputs and " + outputs.size()
                                + " outputs; one of each is needed");
            }
            ValueInfo in = fed.get(0);
            ValueInfo out = outputs.get(0);
            checkShape(in, "input", List.of(1L, (long) Mnist.SIDE, (long) Mnist.SIDE));
            checkShape(out, "output", List.of((long) Mnist.CLASSES));

            Set<String> written = new HashSet<>(initializers.keySet());
            written.add(in.name);
            Set<String> producedLater = new HashSet<>();
            for (Node node : nodes) {
                producedLater.addAll(node.outputs);
            }
            for (Node node : nodes) {
                for (String value : node.inputs) {
                    if (!value.isEmpty() && !written.contains(value)) {
                        throw new Refusal(
                                producedLater.contains(value) ? ErrorCode.GRAPH_CYCLE : ErrorCode.MODEL_UNLOADABLE,
                                "node " + node.op + " reads '" + abbreviate(value) + "', "
                                        + (producedLater.contains(value)
                                                ? "which only a later node writes (a cycle, or nodes out of order)"
                                                : "which nothing writes"));
                    }
                }
                for (String value : node.outputs) {
                    if (!value.isEmpty() && !written.add(value)) {
                        throw new Refusal(ErrorCode.GRAPH_CYCLE, "'" + abbreviate(value) + "' is written twice");
                    }
                }
            }
            if (!written.contains(out.name)) {
                throw new Refusal(
                        ErrorCode.MODEL_UNLOADABLE, "nothing writes the output '" + abbreviate(out.name) + "'");
            }
            return new OnnxGraph(in.name, out.name, List.copyOf(nodes), Map.copyOf(initializers));
        }

        private static void checkShape(ValueInfo value, String role, List<Long> perImage) {
            List<Object> shape = value.shape;
            boolean ok = value.elementType == FLOAT
                    && shape != null
                    && shape.size() == perImage.size() + 1
                    && shape.get(0) instanceof String
                    && shape.subList(1, shape.size()).equals(perImage);
            if (!ok) {
                throw new Refusal(
                        ErrorCode.MODEL_SHAPE_MISMATCH,
                        "the graph's " + role + " '" + abbreviate(value.name) + "' is "
                                + (value.elementType == FLOAT ? "float " : "of element type " + value.elementType + " ")
                                + (shape == null
                                        ? "of no declared shape"
                                        : shape.toString().replace("[, ", "[?, "))
                                + "; the contract is float [batch"
                                + perImage.toString().replace("[", ", ")
                                + " with a symbolic batch");
            }
        }

        private static boolean isStandard(String domain) {
            return domain.isEmpty() || domain.equals("ai.onnx");
        }

        private static void readInt64s(CodedInputStream in, int tag, List<Long> into) throws IOException {
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) {
                    into.add(in.readInt64());
                }
                in.popLimit(limit);
            } else {
                into.add(in.readInt64());
            }
        }

        private static void readFloats(CodedInputStream in, int tag, List<Float> into) throws IOException {
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int length = in.readRawVarint32();
                if (length % Float.BYTES != 0) {
                    throw new Refusal(ErrorCode.MODEL_UNLOADABLE, "packed float data of " + length + " bytes");
                }
                ByteBuffer data = ByteBuffer.wrap(in.readRawBytes(length)).order(ByteOrder.LITTLE_ENDIAN);
                while (data.hasRemaining()) {
                    into.add(data.getFloat());
                }
            } else {
                into.add(in.readFloat());
            }
        }
    }

    private record ValueInfo(String name, int elementType, List<Object> shape) {}

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_NAME_IN_REASON ? s : s.substring(0, MAX_NAME_IN_REASON - 3) + "...";
    }
}
