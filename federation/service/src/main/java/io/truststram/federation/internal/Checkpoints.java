package io.truststram.federation.internal;

import io.truststram.ml.safetensors.DType;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import io.truststram.platform.blob.BlobInfo;
import io.truststram.platform.blob.BlobStore;
import java.io.ByteArrayOutputStream;
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
    byte[] file =
        serialise(
            List.of(Tensor.ofFloats(PARAMETERS, new long[] {parameters.length}, parameters)),
            metadata);
    return blobs.put(
        modelKey(federation, version), new java.io.ByteArrayInputStream(file), file.length);
  }

  /** The parameters of model version {@code version}, when it was stored. */
  Optional<float[]> loadModel(UUID federation, int version, int parameters) throws IOException {
    String key = modelKey(federation, version);
    if (blobs.stat(key).isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = blobs.open(key)) {
      SafeTensors.Contents contents =
          SafeTensors.read(in, new SafeTensors.Limits(1 << 20, (long) parameters * Float.BYTES));
      return Optional.of(contents.tensor(PARAMETERS).toFloats());
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
    byte[] file = serialise(tensors, Map.of());
    blobs.put(stateKey(federation, version), new java.io.ByteArrayInputStream(file), file.length);
  }

  /** The server state stored after version {@code version}; empty when there was none. */
  Map<String, double[]> loadState(UUID federation, int version, int parameters) throws IOException {
    String key = stateKey(federation, version);
    if (blobs.stat(key).isEmpty()) {
      return Map.of();
    }
    try (InputStream in = blobs.open(key)) {
      SafeTensors.Contents contents =
          SafeTensors.read(
              in, new SafeTensors.Limits(1 << 20, 8L * Double.BYTES * Math.max(1, parameters)));
      Map<String, double[]> state = new TreeMap<>();
      for (var entry : contents.tensors().entrySet()) {
        ByteBuffer bytes =
            ByteBuffer.wrap(entry.getValue().toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[bytes.remaining() / Double.BYTES];
        bytes.asDoubleBuffer().get(values);
        state.put(entry.getKey(), values);
      }
      return state;
    }
  }

  BlobStore blobs() {
    return blobs;
  }

  private static byte[] serialise(List<Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.write(out, tensors, metadata);
    return out.toByteArray();
  }
}
