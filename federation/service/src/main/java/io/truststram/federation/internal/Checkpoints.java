package io.truststram.federation.internal;

import io.truststram.ml.safetensors.DType;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import io.truststram.platform.blob.BlobInfo;
import io.truststram.platform.blob.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The federation service's blobs: each version of a federation's global model (version 0 the
 * initial one, version r the result of round r) with the strategy's server state beside it, and the
 * client updates of open rounds.
 *
 * <p>A model is a safetensors file with one float32 tensor {@code parameters} of shape [n] (the
 * classifier's flat parameter vector) and metadata naming the federation, version and model.
 */
final class Checkpoints {

  /** The tensor a model file and an update file hold. */
  static final String PARAMETERS = "parameters";

  private final BlobStore blobs;

  Checkpoints(BlobStore blobs) {
    this.blobs = blobs;
  }

  static String modelKey(UUID federation, int version) {
    return "federations/" + federation + "/models/" + version + ".safetensors";
  }

  static String stateKey(UUID federation, int version) {
    return "federations/" + federation + "/state/" + version + ".safetensors";
  }

  static String updateKey(UUID federation, int round, UUID node) {
    return "federations/" + federation + "/rounds/" + round + "/updates/" + node + ".safetensors";
  }

  /** The file of one delivery of a node's update: each delivery writes a key of its own. */
  static String updateKey(UUID federation, int round, UUID node, UUID delivery) {
    return "federations/"
        + federation
        + "/rounds/"
        + round
        + "/updates/"
        + node
        + "-"
        + delivery
        + ".safetensors";
  }

  static String roundPrefix(UUID federation, int round) {
    return "federations/" + federation + "/rounds/" + round + "/";
  }

  static String chunkKey(UUID federation, UUID upload, int chunk) {
    return "federations/" + federation + "/uploads/" + upload + "/" + String.format("%08d", chunk);
  }

  static String uploadPrefix(UUID federation, UUID upload) {
    return "federations/" + federation + "/uploads/" + upload + "/";
  }

  /** Stores version {@code version} of the global model; returns its blob. */
  BlobInfo saveModel(UUID federation, int version, float[] parameters, Map<String, String> metadata)
      throws IOException {
    List<Tensor> tensors =
        List.of(Tensor.ofFloats(PARAMETERS, new long[] {parameters.length}, parameters));
    return blobs.write(
        modelKey(federation, version),
        out -> SafeTensors.write(out, tensors, metadata),
        (1 << 20) + 8L + (long) parameters.length * Float.BYTES);
  }

  /** The parameters of model version {@code version}, when it was stored. */
  Optional<float[]> loadModel(UUID federation, int version, int parameters) throws IOException {
    String key = modelKey(federation, version);
    if (blobs.stat(key).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        read(
            key,
            new SafeTensors.Limits(1 << 20, (long) parameters * Float.BYTES),
            contents -> contents.tensor(PARAMETERS).toFloats()));
  }

  /** What a function of a safetensors blob's contents makes. */
  @FunctionalInterface
  interface ContentsReader<T> {
    T read(SafeTensors.Contents contents) throws IOException;
  }

  /**
   * Reads the safetensors blob {@code key} within {@code limits}: memory-mapped when the store
   * keeps it as a local file (a gigabyte model costs no copy on the heap but the caller's own),
   * else from its stream. The contents are valid only inside {@code reader}.
   */
  <T> T read(String key, SafeTensors.Limits limits, ContentsReader<T> reader) throws IOException {
    Optional<java.nio.file.Path> file = blobs.localFile(key);
    if (file.isPresent()) {
      try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
        return reader.read(SafeTensors.read(file.get(), arena, limits));
      }
    }
    try (InputStream in = blobs.open(key)) {
      return reader.read(SafeTensors.read(in, limits));
    }
  }

  /** The model file of version {@code version}, when it exists. */
  Optional<BlobInfo> model(UUID federation, int version) throws IOException {
    return blobs.stat(modelKey(federation, version));
  }

  InputStream open(BlobInfo blob) throws IOException {
    return blobs.open(blob.key());
  }

  /** Stores the strategy's server state after version {@code version} (nothing when empty). */
  void saveState(UUID federation, int version, Map<String, double[]> state) throws IOException {
    if (state.isEmpty()) {
      return;
    }
    List<Tensor> tensors = new ArrayList<>();
    new TreeMap<>(state)
        .forEach(
            (name, values) -> {
              ByteBuffer bytes =
                  ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
              bytes.asDoubleBuffer().put(values);
              tensors.add(
                  Tensor.ofBytes(name, DType.F64, new long[] {values.length}, bytes.array()));
            });
    long bytes = 0;
    for (double[] values : state.values()) {
      bytes += (long) values.length * Double.BYTES;
    }
    blobs.write(
        stateKey(federation, version),
        out -> SafeTensors.write(out, tensors, Map.of()),
        (1 << 20) + 8 + bytes);
  }

  /** The server state stored after version {@code version}; empty when there was none. */
  Map<String, double[]> loadState(UUID federation, int version, int parameters) throws IOException {
    String key = stateKey(federation, version);
    if (blobs.stat(key).isEmpty()) {
      return Map.of();
    }
    return read(
        key,
        new SafeTensors.Limits(1 << 20, 8L * Double.BYTES * Math.max(1, parameters)),
        contents -> {
          Map<String, double[]> state = new TreeMap<>();
          for (var entry : contents.tensors().entrySet()) {
            ByteBuffer bytes =
                ByteBuffer.wrap(entry.getValue().toBytes()).order(ByteOrder.LITTLE_ENDIAN);
            double[] values = new double[bytes.remaining() / Double.BYTES];
            bytes.asDoubleBuffer().get(values);
            state.put(entry.getKey(), values);
          }
          return state;
        });
  }

  BlobStore blobs() {
    return blobs;
  }
}
