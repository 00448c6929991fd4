package io.truststram.explain.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an ONNX model (the {@code onnx.proto} ModelProto, protocol-buffer encoded by hand: the few
 * messages and fields a graph of standard operators needs) from a graph built in code: float
 * initializers, nodes with int and float attributes, and float tensor inputs and outputs whose
 * dimensions are fixed or named (a named dimension, such as a batch, is dynamic).
 *
 * <p>Opset 13 of the default domain and IR version 8, which every ONNX Runtime since 1.10 runs.
 */
public final class OnnxWriter {

  /** TensorProto.DataType FLOAT. */
  static final int FLOAT = 1;

  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> initializers = new ArrayList<>();
  private final List<byte[]> inputs = new ArrayList<>();
  private final List<byte[]> outputs = new ArrayList<>();
  private final String name;
  private int counter;

  /** A graph called {@code name}. */
  public OnnxWriter(String name) {
    this.name = name;
  }

  /** A float input; each dimension a {@link Long} size or a {@link String} name (dynamic). */
  public OnnxWriter input(String tensor, Object... dimensions) {
    inputs.add(valueInfo(tensor, dimensions));
    return this;
  }

  /** A float output, dimensions as for {@link #input}. */
  public OnnxWriter output(String tensor, Object... dimensions) {
    outputs.add(valueInfo(tensor, dimensions));
    return this;
  }

  /** A constant float tensor of {@code shape}, row-major {@code values}. */
  public OnnxWriter initializer(String tensor, long[] shape, float[] values) {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    if (count != values.length) {
      throw new IllegalArgumentException(
          tensor + ": " + values.length + " values for a shape of " + count);
    }
    Message t = new Message();
    for (long d : shape) {
      t.varint(1, d);
    }
    t.varint(2, FLOAT);
    Message packed = new Message();
    for (float v : values) {
      packed.fixed32(Float.floatToRawIntBits(v));
    }
    t.bytes(4, packed.toBytes());
    t.string(8, tensor);
    initializers.add(t.toBytes());
    return this;
  }

  /**
   * A node of {@code operator} from {@code in} to {@code out}; {@code attributes} alternate names
   * and values ({@link Integer} or {@link Long} for INT, {@link Float} or {@link Double} for FLOAT,
   * {@code long[]} for INTS).
   */
  public OnnxWriter node(String operator, List<String> in, List<String> out, Object... attributes) {
    Message n = new Message();
    in.forEach(i -> n.string(1, i));
    out.forEach(o -> n.string(2, o));
    n.string(3, operator.toLowerCase(java.util.Locale.ROOT) + "_" + counter++);
    n.string(4, operator);
    for (int a = 0; a + 1 < attributes.length; a += 2) {
      Message attribute = new Message();
      attribute.string(1, (String) attributes[a]);
      Object value = attributes[a + 1];
      switch (value) {
        case Integer i -> {
          attribute.varint(3, i);
          attribute.varint(20, 2);
        }
        case Long l -> {
          attribute.varint(3, l);
          attribute.varint(20, 2);
        }
        case Float f -> {
          attribute.tag(2, 5);
          attribute.fixed32(Float.floatToRawIntBits(f));
          attribute.varint(20, 1);
        }
        case Double d -> {
          attribute.tag(2, 5);
          attribute.fixed32(Float.floatToRawIntBits(d.floatValue()));
          attribute.varint(20, 1);
        }
        case long[] ints -> {
          for (long v : ints) {
            attribute.varint(8, v);
          }
          attribute.varint(20, 7);
        }
        default ->
            throw new IllegalArgumentException("attribute values are ints, floats or long[]");
      }
      n.bytes(5, attribute.toBytes());
    }
    nodes.add(n.toBytes());
    return this;
  }

  /** The model's bytes, as {@code model.onnx} holds them. */
  public byte[] toBytes() {
    Message graph = new Message();
    nodes.forEach(n -> graph.bytes(1, n));
    graph.string(2, name);
    initializers.forEach(i -> graph.bytes(5, i));
    inputs.forEach(i -> graph.bytes(11, i));
    outputs.forEach(o -> graph.bytes(12, o));
    Message opset = new Message();
    opset.string(1, "");
    opset.varint(2, 13);
    Message model = new Message();
    model.varint(1, 8);
    model.string(2, "truststram");
    model.bytes(7, graph.toBytes());
    model.bytes(8, opset.toBytes());
    return model.toBytes();
  }

  private static byte[] valueInfo(String tensor, Object... dimensions) {
    Message shape = new Message();
    for (Object d : dimensions) {
      Message dimension = new Message();
      switch (d) {
        case Long size -> dimension.varint(1, size);
        case Integer size -> dimension.varint(1, size);
        case String named -> dimension.string(2, named);
        default -> throw new IllegalArgumentException("a dimension is a size or a name");
      }
      shape.bytes(1, dimension.toBytes());
    }
    Message tensorType = new Message();
    tensorType.varint(1, FLOAT);
    tensorType.bytes(2, shape.toBytes());
    Message type = new Message();
    type.bytes(1, tensorType.toBytes());
    Message info = new Message();
    info.string(1, tensor);
    info.bytes(2, type.toBytes());
    return info.toBytes();
  }

  /** A protocol-buffer message being written. */
  private static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void tag(int field, int wireType) {
      raw((long) field << 3 | wireType);
    }

    void varint(int field, long value) {
      tag(field, 0);
      raw(value);
    }

    void bytes(int field, byte[] value) {
      tag(field, 2);
      raw(value.length);
      out.writeBytes(value);
    }

    void string(int field, String value) {
      bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    void fixed32(int bits) {
      for (int i = 0; i < 4; i++) {
        out.write(bits >>> (8 * i) & 0xff);
      }
    }

    private void raw(long value) {
      long v = value;
      while ((v & ~0x7fL) != 0) {
        out.write((int) (v & 0x7f | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }
}
