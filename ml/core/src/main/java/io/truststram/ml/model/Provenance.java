package io.truststram.ml.model;

import io.truststram.ml.data.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a trained model came from, recorded with it: the model, a hash of each data partition it
 * saw, the training configuration, the seed and the code version.
 *
 * @param model the classifier's description
 * @param dataHashes partition name to the SHA-256 of its features and labels
 * @param configuration the training settings, as text
 * @param seed the seed the run started from
 * @param codeVersion the version of this library
 */
public record Provenance(
    String model,
    Map<String, String> dataHashes,
    Map<String, String> configuration,
    long seed,
    String codeVersion) {

  public Provenance {
    dataHashes = Map.copyOf(new TreeMap<>(dataHashes));
    configuration = Map.copyOf(new TreeMap<>(configuration));
  }

  /** The SHA-256 of {@code data}'s features (little-endian float32) and labels. */
  public static String hash(Dataset data) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : data.features()) {
      if (buffer.remaining() < Float.BYTES) {
        digest.update(buffer.flip());
        buffer.clear();
      }
      buffer.putFloat(v);
    }
    for (int label : data.labels()) {
      if (buffer.remaining() < Integer.BYTES) {
        digest.update(buffer.flip());
        buffer.clear();
      }
      buffer.putInt(label);
    }
    digest.update(buffer.flip());
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The version of this library from its jar's manifest, or {@code development}. */
  public static String currentCodeVersion() {
    String version = Provenance.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
