package io.truststram.platform.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where services keep large binary artefacts: model checkpoints, client updates, uploads in
 * progress. Keys are slash-separated paths of {@code [A-Za-z0-9._-]} segments (no empty, {@code .}
 * or {@code ..} segment), chosen by the service that owns them under its own prefix.
 *
 * <p>Every adapter keeps the same promises, checked by one contract test: {@link #put} is atomic (a
 * reader sees the old blob or the whole new one, never part of it) and durable (when it returns,
 * the blob survives a crash of the process or the machine); a failed or refused put leaves no blob
 * behind.
 */
public interface BlobStore {

  /** Keys that may be used. */
  Pattern KEY =
      Pattern.compile(
          "[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,15}");

  /**
   * Stores the bytes of {@code content} (read to its end) as {@code key}, replacing any blob there.
   *
   * @param maxBytes the most bytes accepted
   * @return the stored blob's size and SHA-256
   * @throws BlobTooLargeException when {@code content} holds more than {@code maxBytes}; nothing is
   *     stored
   * @throws IllegalArgumentException for a key that is not allowed
   */
  BlobInfo put(String key, InputStream content, long maxBytes) throws IOException;

  /** What {@link #write} calls to produce a blob's bytes. */
  @FunctionalInterface
  interface BlobWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Stores what {@code writer} writes as {@code key}, with the guarantees of {@link #put}: a model
   * checkpoint, say, serialised straight into storage without a copy in memory.
   *
   * @throws BlobTooLargeException when it writes more than {@code maxBytes}; nothing is stored
   */
  default BlobInfo write(String key, BlobWriter writer, long maxBytes) throws IOException {
    Path temporary = Files.createTempFile("truststram-blob", ".part");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        writer.writeTo(out);
      }
      try (InputStream in = Files.newInputStream(temporary)) {
        return put(key, in, maxBytes);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * The blob as a file on this machine, when this store keeps blobs as files, so that large ones
   * can be read memory-mapped; empty otherwise (read them with {@link #open}). The file must not be
   * written to.
   */
  default Optional<Path> localFile(String key) throws IOException {
    return Optional.empty();
  }

  /** The blob {@code key}'s size and hash, when there is one. */
  Optional<BlobInfo> stat(String key) throws IOException;

  /**
   * Reads the blob {@code key}.
   *
   * @throws java.nio.file.NoSuchFileException when there is none
   */
  InputStream open(String key) throws IOException;

  /** Deletes the blob {@code key}; false when there was none. */
  boolean delete(String key) throws IOException;

  /** The keys that start with {@code prefix} (a key, or a key followed by {@code /}), sorted. */
  List<String> list(String prefix) throws IOException;

  /** Deletes every blob whose key starts with {@code prefix}; returns how many. */
  default int deleteAll(String prefix) throws IOException {
    int deleted = 0;
    for (String key : list(prefix)) {
      if (delete(key)) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Refuses a key that is not allowed. */
  static String checkKey(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not a valid blob key: '" + key + "'");
    }
    for (String segment : key.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("not a valid blob key: '" + key + "'");
      }
    }
    return key;
  }
}
