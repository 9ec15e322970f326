package io.digitstream.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An admitted ONNX model taken apart into the pieces a rewrite moves around (nodes, initializers,
 * graph inputs and outputs), each kept as its own bytes, so what a rewrite does not touch is
 * written back exactly as it came. Only {@link OnnxGraph}-admitted payloads are read, so the
 * structure is known to be sound; the values that matter (weights) come from {@link OnnxGraph}.
 */
final class RawGraph {
    /** A node's routing, and its attributes as they were written. */
    record Node(String op, List<String> inputs, List<String> outputs, List<ByteString> attributes) {}

    /** The ModelProto's fields other than the graph (IR version, opsets, producer), as written. */
    final List<Field> modelFields = new ArrayList<>();
    /** The GraphProto's fields a rewrite keeps as they are (its name, inputs, outputs), as written. */
    final List<Field> graphFields = new ArrayList<>();

    final List<Node> nodes = new ArrayList<>();
    final Map<String, ByteString> initializers = new LinkedHashMap<>();
    final List<String> outputNames = new ArrayList<>();

    /** One protobuf field, number and length-delimited or varint value, to be written back. */
    record Field(int number, ByteString bytes, long varint, boolean lengthDelimited) {
        void writeTo(ProtoWriter out) {
            if (lengthDelimited) {
                out.bytes(number, bytes.toByteArray());
            } else {
                out.varint(number, varint);
            }
        }
    }

    static RawGraph of(byte[] admittedModel) {
        try {
            var graph = new RawGraph();
            CodedInputStream in = CodedInputStream.newInstance(admittedModel);
            for (int tag; (tag = in.readTag()) != 0; ) {
                int number = WireFormat.getTagFieldNumber(tag);
                if (number == 7) {
                    graph.readGraph(in.readBytes());
                } else {
                    graph.modelFields.add(field(in, tag));
                }
            }
            return graph;
        } catch (IOException e) {
            throw new UncheckedIOException("an admitted graph did not read again", e);
        }
    }

    /** The version of the standard domain the model imports; -1 if none. */
    int standardOpset() {
        for (Field field : modelFields) {
            if (field.number() == 8) {
                try {
                    CodedInputStream in = field.bytes().newCodedInput();
                    String domain = "";
                    long version = -1;
                    for (int tag; (tag = in.readTag()) != 0; ) {
                        switch (WireFormat.getTagFieldNumber(tag)) {
                            case 1 -> domain = in.readStringRequireUtf8();
                            case 2 -> version = in.readInt64();
                            default -> in.skipField(tag);
                        }
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) {
                        return (int) version;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return -1;
    }

    private static Field field(CodedInputStream in, int tag) throws IOException {
        int number = WireFormat.getTagFieldNumber(tag);
        return switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> new Field(number, null, in.readInt64(), false);
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> new Field(number, in.readBytes(), 0, true);
            default -> throw new IOException("unexpected wire type in field " + number);
        };
    }

    private void readGraph(ByteString bytes) throws IOException {
        CodedInputStream in = bytes.newCodedInput();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(node(in.readBytes()));
                case 5 -> {
                    ByteString tensor = in.readBytes();
                    initializers.put(tensorName(tensor), tensor);
                }
                case 12 -> {
                    ByteString output = in.readBytes();
                    outputNames.add(valueInfoName(output));
                    graphFields.add(new Field(12, output, 0, true));
                }
                // shapes of intermediate values: a rewrite changes some, and ONNX Runtime infers them again
                case 13 -> in.skipField(tag);
                default -> graphFields.add(field(in, tag));
            }
        }
    }

    private static Node node(ByteString bytes) throws IOException {
        CodedInputStream in = bytes.newCodedInput();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<ByteString> attributes = new ArrayList<>();
        String op = "";
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 2 -> outputs.add(in.readStringRequireUtf8());
                case 4 -> op = in.readStringRequireUtf8();
                case 5 -> attributes.add(in.readBytes());
                default -> in.skipField(tag); // its name and doc string: a rewrite names nodes itself
            }
        }
        return new Node(op, List.copyOf(inputs), List.copyOf(outputs), List.copyOf(attributes));
    }

    private static String tensorName(ByteString tensor) throws IOException {
        return stringField(tensor, 8);
    }

    private static String valueInfoName(ByteString valueInfo) throws IOException {
        return stringField(valueInfo, 1);
    }

    private static String stringField(ByteString message, int number) throws IOException {
        CodedInputStream in = message.newCodedInput();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == number) {
                return in.readStringRequireUtf8();
            }
            in.skipField(tag);
        }
        return "";
    }

    /**
     * The model again, with these nodes in place of the original ones, the initializers named in
     * {@code dropped} left out, {@code added} ones beside the rest, and {@code extraOutputs} after
     * the graph's own outputs.
     */
    byte[] write(
            List<ProtoWriter> newNodes, Set<String> dropped, List<ProtoWriter> added, List<ProtoWriter> extraOutputs) {
        var graph = new ProtoWriter();
        newNodes.forEach(node -> graph.message(1, node));
        initializers.forEach((name, tensor) -> {
            if (!dropped.contains(name)) {
                graph.bytes(5, tensor.toByteArray());
            }
        });
        added.forEach(tensor -> graph.message(5, tensor));
        graphFields.forEach(field -> field.writeTo(graph));
        extraOutputs.forEach(output -> graph.message(12, output));
        var model = new ProtoWriter();
        modelFields.forEach(field -> field.writeTo(model));
        model.message(7, graph);
        return model.toByteArray();
    }

    /** A node as written: these inputs and outputs, the attributes given as they were written. */
    static ProtoWriter node(String op, List<String> inputs, List<String> outputs, List<ByteString> attributes) {
        var node = new ProtoWriter();
        inputs.forEach(input -> node.string(1, input));
        outputs.forEach(output -> node.string(2, output));
        node.string(3, outputs.get(0) + "_" + op).string(4, op);
        attributes.forEach(attribute -> node.bytes(5, attribute.toByteArray()));
        return node;
    }

    /** The original node's bytes as a writer, its routing unchanged. */
    static ProtoWriter unchanged(Node node) {
        return node(node.op(), node.inputs(), node.outputs(), node.attributes());
    }
}
