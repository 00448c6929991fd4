package io.truststram.ml.safetensors;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes the safetensors format (Hugging Face's, used by PyTorch and most model hubs): an
 * 8-byte little-endian header length N, N bytes of a UTF-8 JSON object naming each tensor's {@code
 * dtype}, {@code shape} and {@code data_offsets} (plus an optional {@code __metadata__} object of
 * strings), then the tensors' raw little-endian bytes.
 *
 * <p>Reading is strict, since the files come from other organisations' client nodes: the header
 * length is capped; the header must be valid UTF-8 JSON with no duplicate names and no unknown
 * fields; every tensor's byte range must equal its type size times its element count (computed
 * without overflow); the ranges must tile the data exactly, from 0 to its end, with no gap and no
 * overlap; and the data must be exactly as long as the ranges say. Anything else is an {@link
 * InvalidSafeTensorsException} naming the fault, before a byte of tensor data is used.
 *
 * <p>Writing follows the reference implementation's layout: tensors ordered by decreasing element
 * size, then by name (so each starts aligned to its type), the header padded with spaces to a
 * multiple of 8 bytes.
 */
public final class SafeTensors {

  /** The reference implementation's cap on the header: 100 MB. */
  public static final long DEFAULT_MAX_HEADER_BYTES = 100_000_000L;

  private static final String METADATA = "__metadata__";
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private SafeTensors() {}

  /**
   * Bounds for reading untrusted input.
   *
   * @param maxHeaderBytes the largest header accepted
   * @param maxDataBytes the most tensor data accepted (for streams, what may be buffered)
   */
  public record Limits(long maxHeaderBytes, long maxDataBytes) {
    /** The reference implementation's header cap, and data up to what one array can hold. */
    public static final Limits DEFAULT =
        new Limits(DEFAULT_MAX_HEADER_BYTES, Integer.MAX_VALUE - 8L);

    public Limits {
      if (maxHeaderBytes < 2 || maxHeaderBytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("maxHeaderBytes must be between 2 and 2^31 - 9");
      }
      if (maxDataBytes < 0) {
        throw new IllegalArgumentException("maxDataBytes must not be negative");
      }
    }
  }

  /**
   * A file's tensors, in the order of their data, and its metadata.
   *
   * @param tensors by name, in data order
   * @param metadata the {@code __metadata__} strings; empty when absent
   */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public Contents {
      tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The tensor named {@code name}. */
    public Tensor tensor(String name) {
      Tensor tensor = tensors.get(name);
      if (tensor == null) {
        throw new IllegalArgumentException("no tensor named " + name);
      }
      return tensor;
    }
  }

  /**
   * Reads a whole file, mapped into memory: no tensor is copied, and files larger than 2 GB work.
   * The tensors stay readable while {@code arena} is open.
   */
  public static Contents read(Path file, Arena arena, Limits limits) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
      return read(mapped, limits);
    }
  }

  /** Reads the safetensors bytes in {@code bytes} (no copy: the tensors are slices of it). */
  public static Contents read(MemorySegment bytes, Limits limits) {
    if (bytes.byteSize() < 8) {
      throw new InvalidSafeTensorsException(
          "too short for a header length: " + bytes.byteSize() + " bytes");
    }
    long headerLength =
        bytes.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
    checkHeaderLength(headerLength, limits);
    if (headerLength > bytes.byteSize() - 8) {
      throw new InvalidSafeTensorsException(
          "the header length "
              + headerLength
              + " exceeds the "
              + (bytes.byteSize() - 8)
              + " bytes that follow it");
    }
    byte[] header = bytes.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
    Layout layout = parseHeader(header);
    MemorySegment data = bytes.asSlice(8 + headerLength);
    if (data.byteSize() != layout.dataLength) {
      throw new InvalidSafeTensorsException(
          "the header describes "
              + layout.dataLength
              + " bytes of tensor data but "
              + data.byteSize()
              + " follow it");
    }
    if (data.byteSize() > limits.maxDataBytes()) {
      throw new InvalidSafeTensorsException(
          "the tensor data is " + data.byteSize() + " bytes; at most " + limits.maxDataBytes());
    }
    return layout.contents(data);
  }

  /**
   * Reads safetensors from a stream that holds exactly one file (an upload, say): the data is
   * buffered, within {@code limits}, and the stream must end where the file does.
   */
  public static Contents read(InputStream in, Limits limits) throws IOException {
    byte[] lengthBytes = in.readNBytes(8);
    if (lengthBytes.length < 8) {
      throw new InvalidSafeTensorsException(
          "too short for a header length: " + lengthBytes.length + " bytes");
    }
    long headerLength =
        MemorySegment.ofArray(lengthBytes)
            .get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
    checkHeaderLength(headerLength, limits);
    byte[] header = in.readNBytes((int) headerLength);
    if (header.length < headerLength) {
      throw new InvalidSafeTensorsException(
          "the stream ended inside the header, after " + header.length + " of " + headerLength);
    }
    Layout layout = parseHeader(header);
    if (layout.dataLength > limits.maxDataBytes()) {
      throw new InvalidSafeTensorsException(
          "the tensor data is " + layout.dataLength + " bytes; at most " + limits.maxDataBytes());
    }
    byte[] data = in.readNBytes((int) layout.dataLength);
    if (data.length < layout.dataLength) {
      throw new InvalidSafeTensorsException(
          "the stream ended after "
              + data.length
              + " of the "
              + layout.dataLength
              + " bytes of tensor data");
    }
    if (in.read() != -1) {
      throw new InvalidSafeTensorsException("bytes follow the last tensor's data");
    }
    MemorySegment segment = Arena.ofAuto().allocate(Math.max(1, data.length), 8);
    MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_BYTE, 0, data.length);
    return layout.contents(segment.asSlice(0, data.length));
  }

  /** Writes {@code tensors} and {@code metadata} as one safetensors file. */
  public static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    List<Tensor> ordered = new ArrayList<>(tensors);
    ordered.sort(
        Comparator.comparingInt((Tensor t) -> -t.dtype().size()).thenComparing(Tensor::name));
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject(METADATA);
      metadata.forEach(
          (key, value) ->
              meta.put(Objects.requireNonNull(key), Objects.requireNonNull(value, key)));
    }
    long offset = 0;
    for (Tensor tensor : ordered) {
      if (tensor.name().equals(METADATA) || header.has(tensor.name())) {
        throw new IllegalArgumentException("tensor name used twice or reserved: " + tensor.name());
      }
      ObjectNode entry = header.putObject(tensor.name());
      entry.put("dtype", tensor.dtype().headerName());
      var shape = entry.putArray("shape");
      for (long dimension : tensor.shape()) {
        shape.add(dimension);
      }
      long end = offset + tensor.data().byteSize();
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = Arrays.copyOf(json, padded);
    Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
    byte[] length = new byte[8];
    MemorySegment.ofArray(length)
        .set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, padded);
    out.write(length);
    out.write(headerBytes);
    byte[] chunk = new byte[1 << 16];
    for (Tensor tensor : ordered) {
      MemorySegment data = tensor.data();
      for (long at = 0; at < data.byteSize(); at += chunk.length) {
        int n = (int) Math.min(chunk.length, data.byteSize() - at);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
        out.write(chunk, 0, n);
      }
    }
  }

  private static void checkHeaderLength(long headerLength, Limits limits) {
    if (headerLength < 2 || headerLength > limits.maxHeaderBytes()) {
      throw new InvalidSafeTensorsException(
          "header length "
              + Long.toUnsignedString(headerLength)
              + " is outside 2.."
              + limits.maxHeaderBytes());
    }
  }

  /** Where each tensor's bytes are, checked; and the data length they add up to. */
  private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  private record Layout(List<Entry> entries, Map<String, String> metadata, long dataLength) {
    Contents contents(MemorySegment data) {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Entry entry : entries) {
        tensors.put(
            entry.name,
            new Tensor(
                entry.name,
                entry.dtype,
                entry.shape,
                data.asSlice(entry.begin, entry.end - entry.begin)));
      }
      return new Contents(tensors, metadata);
    }
  }

  private static Layout parseHeader(byte[] header) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(header))
              .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidSafeTensorsException("the header is not valid UTF-8");
    }
    if (!text.startsWith("{")) {
      throw new InvalidSafeTensorsException("the header must be a JSON object");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new InvalidSafeTensorsException(
          "the header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSafeTensorsException("the header must be a JSON object");
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (var field : root.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.equals(METADATA)) {
        if (!value.isObject()) {
          throw new InvalidSafeTensorsException("__metadata__ must be an object of strings");
        }
        for (var item : value.properties()) {
          if (!item.getValue().isString()) {
            throw new InvalidSafeTensorsException(
                "__metadata__." + item.getKey() + " must be a string");
          }
          metadata.put(item.getKey(), item.getValue().asString());
        }
        continue;
      }
      entries.add(entry(name, value));
    }
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry entry : entries) {
      if (entry.begin != expected) {
        throw new InvalidSafeTensorsException(
            "tensor "
                + entry.name
                + " starts at "
                + entry.begin
                + " but the data before it ends at "
                + expected
                + " (tensors must tile the data without gaps or overlaps)");
      }
      expected = entry.end;
    }
    return new Layout(entries, metadata, expected);
  }

  private static Entry entry(String name, JsonNode value) {
    if (!value.isObject()) {
      throw new InvalidSafeTensorsException("tensor " + name + " must be described by an object");
    }
    for (var field : value.properties()) {
      String key = field.getKey();
      if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
        throw new InvalidSafeTensorsException("tensor " + name + " has an unknown field " + key);
      }
    }
    JsonNode dtypeNode = value.get("dtype");
    if (dtypeNode == null || !dtypeNode.isString()) {
      throw new InvalidSafeTensorsException("tensor " + name + " has no dtype");
    }
    DType dtype =
        DType.byName(dtypeNode.asString())
            .orElseThrow(
                () ->
                    new InvalidSafeTensorsException(
                        "tensor " + name + " has an unsupported dtype " + dtypeNode.asString()));
    long[] shape = longs(name, "shape", value.get("shape"), -1);
    long[] offsets = longs(name, "data_offsets", value.get("data_offsets"), 2);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw new InvalidSafeTensorsException(
          "tensor " + name + " ends (" + end + ") before it begins (" + begin + ")");
    }
    long size;
    try {
      size = Tensor.byteSize(dtype, shape);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new InvalidSafeTensorsException("tensor " + name + ": " + e.getMessage());
    }
    if (end - begin != size) {
      throw new InvalidSafeTensorsException(
          "tensor "
              + name
              + " is "
              + dtype
              + Arrays.toString(shape)
              + ", "
              + size
              + " bytes, but its data_offsets span "
              + (end - begin));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static long[] longs(String tensor, String field, JsonNode node, int length) {
    if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
      throw new InvalidSafeTensorsException(
          "tensor "
              + tensor
              + ": "
              + field
              + " must be an array"
              + (length >= 0 ? " of " + length + " integers" : " of integers"));
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode item = node.get(i);
      if (!item.isIntegralNumber() || !item.canConvertToLong() || item.asLong() < 0) {
        throw new InvalidSafeTensorsException(
            "tensor " + tensor + ": " + field + " must hold non-negative integers");
      }
      values[i] = item.asLong();
    }
    return values;
  }
}
