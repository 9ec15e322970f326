package io.digitstream.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The few ONNX messages the project writes (the trainer's export, tests' hostile graphs), by their
 * field numbers in ONNX's {@code onnx.proto}. {@link OnnxGraph} reads the same fields.
 */
public final class OnnxProto {
    // ONNX enums
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private OnnxProto() {}

    /** A ModelProto: IR version 7, one graph, the standard domain at {@code opset}. */
    public static byte[] model(String producer, int opset, ProtoWriter graph) {
        return new ProtoWriter()
                .varint(1, 7) // ir_version
                .string(2, producer) // producer_name
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, opset)) // opset_import
                .toByteArray();
    }

    public static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
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

    public static ProtoWriter int64Tensor(String name, long[] dims, long[] values) {
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

    /** A tensor of any element type from its little-endian bytes; no dims for a scalar. */
    public static ProtoWriter rawTensor(String name, int elementType, long[] dims, byte[] raw) {
        var tensor = new ProtoWriter();
        for (long d : dims) {
            tensor.varint(1, d);
        }
        return tensor.varint(2, elementType).string(8, name).bytes(9, raw);
    }

    /** A graph output of this element type whose shape is left to ONNX Runtime. */
    public static ProtoWriter output(String name, int elementType) {
        var tensorType = new ProtoWriter().varint(1, elementType);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    public static ProtoWriter node(String op, String[] inputs, String output, ProtoWriter... attributes) {
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

    public static ProtoWriter ints(String name, long... values) {
        var attribute = new ProtoWriter().string(1, name);
        for (long v : values) {
            attribute.varint(8, v);
        }
        return attribute.varint(20, ATTR_INTS);
    }

    public static ProtoWriter integer(String name, long value) {
        return new ProtoWriter().string(1, name).varint(3, value).varint(20, ATTR_INT);
    }

    /** A float tensor of shape [batch, dims...], the batch dimension symbolic. */
    public static ProtoWriter valueInfo(String name, int... dims) {
        var shape = new ProtoWriter().message(1, new ProtoWriter().string(2, "batch"));
        for (int d : dims) {
            shape.message(1, new ProtoWriter().varint(1, d));
        }
        var tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
