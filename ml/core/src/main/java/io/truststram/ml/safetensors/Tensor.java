package io.truststram.ml.safetensors;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor: element type, shape, and its raw little-endian bytes. The bytes are a read-only
 * {@link MemorySegment}: a slice of a mapped file, of a buffer read from a stream, or of an array
 * this class made; a file's tensors stay valid as long as the file they were read from is open.
 */
public final class Tensor {

  private static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfDouble F64 =
      ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort I16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final String name;
  private final DType dtype;
  private final long[] shape;
  private final MemorySegment data;

  /**
   * A tensor over {@code data}, which must hold exactly the bytes its type and shape need.
   *
   * @throws IllegalArgumentException when they do not match, or a dimension is negative
   */
  public Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
    this.name = Objects.requireNonNull(name, "name");
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = shape.clone();
    long bytes = byteSize(dtype, this.shape);
    if (data.byteSize() != bytes) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + ": "
              + dtype
              + Arrays.toString(shape)
              + " needs "
              + bytes
              + " bytes, got "
              + data.byteSize());
    }
    this.data = data.asReadOnly();
  }

  /** A float32 tensor holding a copy of {@code values}. */
  public static Tensor ofFloats(String name, long[] shape, float[] values) {
    MemorySegment segment = Arena.ofAuto().allocate((long) values.length * Float.BYTES, 8);
    MemorySegment.copy(values, 0, segment, F32, 0, values.length);
    return new Tensor(name, DType.F32, shape, segment);
  }

  /** A tensor of {@code dtype} holding a copy of the raw little-endian {@code bytes}. */
  public static Tensor ofBytes(String name, DType dtype, long[] shape, byte[] bytes) {
    MemorySegment segment = Arena.ofAuto().allocate(bytes.length, 8);
    MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
    return new Tensor(name, dtype, shape, segment);
  }

  /** The bytes {@code dtype} elements of {@code shape} take; overflow is an error. */
  static long byteSize(DType dtype, long[] shape) {
    try {
      return Math.multiplyExact(elementCount(shape), dtype.size());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
    }
  }

  static long elementCount(long[] shape) {
    long count = 1;
    for (long dimension : shape) {
      if (dimension < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dimension);
    }
    return count;
  }

  public String name() {
    return name;
  }

  public DType dtype() {
    return dtype;
  }

  /** The shape; a scalar has none (and one element). */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of elements: the product of the shape. */
  public long elementCount() {
    return elementCount(shape);
  }

  /** The raw little-endian bytes, read-only. */
  public MemorySegment data() {
    return data;
  }

  /**
   * The elements as {@code float}, converted from F16, BF16 or F64 when needed.
   *
   * @throws IllegalStateException for an integer or boolean tensor, or one of 2^31 elements or more
   */
  public float[] toFloats() {
    long count = elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("tensor " + name + " has too many elements for an array");
    }
    float[] out = new float[(int) count];
    switch (dtype) {
      case F32 -> MemorySegment.copy(data, F32, 0, out, 0, out.length);
      case F64 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) data.getAtIndex(F64, i);
        }
      }
      case F16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.float16ToFloat(data.getAtIndex(I16, i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.intBitsToFloat((data.getAtIndex(I16, i) & 0xffff) << 16);
        }
      }
      default ->
          throw new IllegalStateException(
              "tensor " + name + " is " + dtype + ", not a floating-point type");
    }
    return out;
  }

  /** A copy of the raw bytes. */
  public byte[] toBytes() {
    return data.toArray(ValueLayout.JAVA_BYTE);
  }

  @Override
  public String toString() {
    return name + ": " + dtype + Arrays.toString(shape);
  }
}
