package io.truststram.ml.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafeTensorsTest {

  // ---- files written by an independent writer (make_fixtures.py, numpy only)

  @Test
  void readsEveryDtypeScalarsAndEmptyTensorsWrittenWithNumpy() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      var file = SafeTensors.read(fixture("multi.safetensors"), arena, SafeTensors.Limits.DEFAULT);

      assertThat(file.metadata())
          .containsExactly(Map.entry("format", "pt"), Map.entry("source", "numpy"));
      assertThat(file.tensors()).hasSize(16);

      Tensor weight = file.tensor("weight");
      assertThat(weight.dtype()).isEqualTo(DType.F32);
      assertThat(weight.shape()).containsExactly(2, 3);
      assertThat(weight.toFloats()).containsExactly(-1f, -0.5f, 0f, 0.5f, 1f, 1.5f);
      assertThat(file.tensor("double").toFloats()).containsExactly(0f, 0.125f, 0.25f, 0.375f);
      assertThat(file.tensor("half").toFloats()).containsExactly(0f, 0.25f, 0.5f);
      assertThat(file.tensor("brain").toFloats()).containsExactly(-2f, -0.5f, 1f, 2.5f);
      assertThat(longs(file.tensor("long"))).containsExactly(-2, -1, 0, 1);
      assertThat(ints(file.tensor("int"))).containsExactly(0, -3, -6, -9, -12);
      assertThat(file.tensor("short").toBytes()).containsExactly(0xd4, 0xfe, 0x2c, 0x01);
      assertThat(file.tensor("byte").toBytes()).containsExactly(-128, 0, 127);
      assertThat(file.tensor("ubyte").toBytes()).containsExactly(0, 1, 254, 255);
      assertThat(file.tensor("ushort").toBytes()).containsExactly(0, 0, 0xff, 0xff);
      assertThat(file.tensor("uint").toBytes()).containsExactly(0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff);
      assertThat(Long.toUnsignedString(longs(file.tensor("ulong"))[0]))
          .isEqualTo("9223372036854775809");
      assertThat(file.tensor("flags").toBytes()).containsExactly(1, 0, 1);
      Tensor scalar = file.tensor("scalar");
      assertThat(scalar.shape()).isEmpty();
      assertThat(scalar.elementCount()).isEqualTo(1);
      assertThat(scalar.toFloats()).containsExactly(3.25f);
      assertThat(file.tensor("empty").shape()).containsExactly(0, 3);
      assertThat(file.tensor("empty").toFloats()).isEmpty();
      assertThat(file.tensor("also_empty").elementCount()).isZero();
      assertThatThrownBy(() -> file.tensor("int").toFloats())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not a floating-point type");
    }
  }

  @Test
  void readsAPaddedSingleTensorFileAndAFileWithoutTensors() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      var single =
          SafeTensors.read(fixture("single.safetensors"), arena, SafeTensors.Limits.DEFAULT);
      assertThat(single.tensor("w").toFloats()).containsExactly(-1f, -0.5f, 0f, 0.5f, 1f, 1.5f);
      assertThat(single.metadata()).isEmpty();
      var none = SafeTensors.read(fixture("none.safetensors"), arena, SafeTensors.Limits.DEFAULT);
      assertThat(none.tensors()).isEmpty();
      assertThat(none.metadata()).containsEntry("note", "empty");
    }
  }

  @Test
  void aStreamReadsLikeAFile() throws Exception {
    byte[] bytes = Files.readAllBytes(fixture("multi.safetensors"));
    var file = SafeTensors.read(new ByteArrayInputStream(bytes), SafeTensors.Limits.DEFAULT);
    assertThat(file.tensors().keySet())
        .containsExactlyInAnyOrderElementsOf(
            SafeTensors.read(MemorySegment.ofArray(bytes), SafeTensors.Limits.DEFAULT)
                .tensors()
                .keySet());
    assertThat(file.tensor("weight").toFloats()).containsExactly(-1f, -0.5f, 0f, 0.5f, 1f, 1.5f);
  }

  // ---- what we write

  @Test
  void writesTheReferenceLayoutAndReadsItBack() throws IOException {
    List<Tensor> tensors =
        List.of(
            Tensor.ofFloats("b.weight", new long[] {2}, new float[] {1, 2}),
            Tensor.ofBytes("a.mask", DType.U8, new long[] {3}, new byte[] {1, 0, 1}),
            Tensor.ofBytes(
                "c.steps", DType.I64, new long[] {1}, new byte[] {7, 0, 0, 0, 0, 0, 0, 0}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.write(out, tensors, Map.of("producer", "truststram"));
    byte[] bytes = out.toByteArray();

    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
    String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    // Larger elements first, then by name: each tensor starts aligned to its element size.
    assertThat(header.indexOf("c.steps")).isLessThan(header.indexOf("b.weight"));
    assertThat(header.indexOf("b.weight")).isLessThan(header.indexOf("a.mask"));
    assertThat(header).contains("\"__metadata__\":{\"producer\":\"truststram\"}");

    var back = SafeTensors.read(new ByteArrayInputStream(bytes), SafeTensors.Limits.DEFAULT);
    assertThat(back.metadata()).containsEntry("producer", "truststram");
    assertThat(back.tensor("b.weight").toFloats()).containsExactly(1f, 2f);
    assertThat(back.tensor("a.mask").toBytes()).containsExactly(1, 0, 1);
    assertThat(longs(back.tensor("c.steps"))).containsExactly(7);
  }

  @Property(tries = 200)
  void whatWeWriteWeReadBackBitForBit(@ForAll("tensorLists") List<Tensor> tensors)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.write(out, tensors, Map.of());
    var back =
        SafeTensors.read(new ByteArrayInputStream(out.toByteArray()), SafeTensors.Limits.DEFAULT);
    assertThat(back.tensors()).hasSameSizeAs(tensors);
    for (Tensor tensor : tensors) {
      Tensor read = back.tensor(tensor.name());
      assertThat(read.dtype()).isEqualTo(tensor.dtype());
      assertThat(read.shape()).containsExactly(tensor.shape());
      assertThat(read.toBytes()).containsExactly(tensor.toBytes());
    }
  }

  @Provide
  Arbitrary<List<Tensor>> tensorLists() {
    Arbitrary<Tensor> one =
        Combinators.combine(
                Arbitraries.of(DType.values()),
                Arbitraries.integers().between(0, 4).list().ofMaxSize(3),
                Arbitraries.longs())
            .as(
                (dtype, dims, seed) -> {
                  long[] shape = dims.stream().mapToLong(Integer::longValue).toArray();
                  byte[] data = new byte[(int) Tensor.byteSize(dtype, shape)];
                  new java.util.Random(seed).nextBytes(data);
                  return Tensor.ofBytes("t" + Long.toHexString(seed), dtype, shape, data);
                });
    return one.list().ofMaxSize(6).uniqueElements(Tensor::name);
  }

  // ---- hostile input

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not an object                | []                                                                                   | 0 | must be a JSON object",
        "truncated JSON               | {\"a\":                                                                              | 0 | not valid JSON",
        "duplicate tensor name        | {\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}} | 1 | not valid JSON",
        "unknown field                | {\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":1}}                | 1 | unknown field x",
        "unknown dtype                | {\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}                    | 16 | unsupported dtype F128",
        "negative dimension           | {\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}                      | 0 | non-negative integers",
        "fractional dimension         | {\"a\":{\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,1]}}                     | 1 | non-negative integers",
        "dimension beyond long        | {\"a\":{\"dtype\":\"U8\",\"shape\":[18446744073709551617],\"data_offsets\":[0,1]}}     | 1 | non-negative integers",
        "element count overflows      | {\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}    | 8 | too large",
        "offsets disagree with shape  | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}                      | 4 | its data_offsets span 4",
        "end before begin             | {\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}                       | 4 | before it begins",
        "gap before the first tensor  | {\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[2,3]}}                       | 3 | starts at 2",
        "overlapping tensors          | {\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}} | 3 | starts at 1",
        "data longer than described   | {\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}                       | 2 | describes 1 bytes",
        "data shorter than described  | {\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}                       | 3 | describes 4 bytes",
        "offsets not a pair           | {\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}                         | 1 | array of 2 integers",
        "metadata not strings         | {\"__metadata__\":{\"k\":1}}                                                         | 0 | must be a string",
        "tensor not an object         | {\"a\":3}                                                                            | 0 | described by an object",
      })
  void malformedHeadersAreRefusedWithTheReason(
      String what, String header, int dataBytes, String reason) {
    byte[] file = file(header.strip(), new byte[dataBytes]);
    assertThatThrownBy(
            () -> SafeTensors.read(MemorySegment.ofArray(file), SafeTensors.Limits.DEFAULT))
        .as(what)
        .isInstanceOf(InvalidSafeTensorsException.class)
        .hasMessageContaining(reason);
    assertThatThrownBy(
            () -> SafeTensors.read(new ByteArrayInputStream(file), SafeTensors.Limits.DEFAULT))
        .as(what + " (stream)")
        .isInstanceOf(InvalidSafeTensorsException.class);
  }

  @Test
  void headerLengthsThatCannotBeRightAreRefusedBeforeAnythingIsRead() {
    assertThatThrownBy(
            () -> SafeTensors.read(MemorySegment.ofArray(new byte[5]), SafeTensors.Limits.DEFAULT))
        .isInstanceOf(InvalidSafeTensorsException.class)
        .hasMessageContaining("too short");
    byte[] huge = new byte[16];
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L); // 2^64 - 1
    assertThatThrownBy(
            () -> SafeTensors.read(MemorySegment.ofArray(huge), SafeTensors.Limits.DEFAULT))
        .isInstanceOf(InvalidSafeTensorsException.class)
        .hasMessageContaining("18446744073709551615");
    byte[] pastEnd = new byte[16];
    ByteBuffer.wrap(pastEnd).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
    assertThatThrownBy(
            () -> SafeTensors.read(MemorySegment.ofArray(pastEnd), SafeTensors.Limits.DEFAULT))
        .isInstanceOf(InvalidSafeTensorsException.class)
        .hasMessageContaining("exceeds the 8 bytes");
    byte[] capped = file("{}", new byte[0]);
    assertThatThrownBy(
            () -> SafeTensors.read(MemorySegment.ofArray(capped), new SafeTensors.Limits(1, 10)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                SafeTensors.read(
                    new ByteArrayInputStream(file("{}" + " ".repeat(100), new byte[0])),
                    new SafeTensors.Limits(64, 10)))
        .isInstanceOf(InvalidSafeTensorsException.class)
        .hasMessageContaining("outside 2..64");
  }

  @Test
  void invalidUtf8AndOversizeDataAndTrailingBytesAreRefused() {
    byte[] notUtf8 = file("{\"\u00e9\":{}}", new byte[0]);
    notUtf8[10] = (byte) 0xff;
    assertThatThrownBy(
            () -> SafeTensors.read(MemorySegment.ofArray(notUtf8), SafeTensors.Limits.DEFAULT))
        .isInstanceOf(InvalidSafeTensorsException.class)
        .hasMessageContaining("UTF-8");

    byte[] big =
        file("{\"a\":{\"dtype\":\"U8\",\"shape\":[64],\"data_offsets\":[0,64]}}", new byte[64]);
    assertThatThrownBy(
            () -> SafeTensors.read(new ByteArrayInputStream(big), new SafeTensors.Limits(1000, 63)))
        .isInstanceOf(InvalidSafeTensorsException.class)
        .hasMessageContaining("at most 63");

    byte[] good =
        file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]);
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(
            () -> SafeTensors.read(new ByteArrayInputStream(trailing), SafeTensors.Limits.DEFAULT))
        .isInstanceOf(InvalidSafeTensorsException.class)
        .hasMessageContaining("bytes follow");
  }

  /** Corrupting any byte of a valid file gives a clean refusal or a valid file, never a crash. */
  @Property(tries = 2000)
  void corruptedFilesFailCleanly(
      @ForAll @IntRange(min = 0, max = 2000) int position,
      @ForAll byte value,
      @ForAll @Size(max = 3) List<@IntRange(min = 0, max = 2000) Integer> truncations)
      throws Exception {
    byte[] bytes = Files.readAllBytes(fixture("multi.safetensors"));
    bytes[position % bytes.length] = value;
    byte[] candidate = bytes;
    for (int cut : truncations) {
      candidate = java.util.Arrays.copyOf(candidate, Math.max(0, candidate.length - cut % 64));
    }
    for (byte[] input : List.of(bytes, candidate)) {
      try {
        var file = SafeTensors.read(MemorySegment.ofArray(input), SafeTensors.Limits.DEFAULT);
        file.tensors().values().forEach(t -> Objects.requireNonNull(t.toBytes()));
      } catch (InvalidSafeTensorsException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
      try {
        SafeTensors.read(new ByteArrayInputStream(input), SafeTensors.Limits.DEFAULT);
      } catch (InvalidSafeTensorsException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  // ---- helpers

  private static byte[] file(String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer =
        ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json).put(data);
    return buffer.array();
  }

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(SafeTensorsTest.class.getResource("/safetensors/" + name)).toURI());
  }

  private static long[] longs(Tensor tensor) {
    return tensor
        .data()
        .toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
  }

  private static int[] ints(Tensor tensor) {
    return tensor.data().toArray(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
  }
}
