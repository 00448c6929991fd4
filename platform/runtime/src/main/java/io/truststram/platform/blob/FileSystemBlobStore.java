package io.truststram.platform.blob;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The embedded blob store: one file per blob under {@code <root>/objects}, its SHA-256 beside it
 * under {@code <root>/hashes}.
 *
 * <p>A put writes a temporary file under {@code <root>/tmp}, forces it to disk, renames it into
 * place atomically and forces the directory, so that a crash leaves either the old blob or the new
 * one. Temporary files a crash left behind are removed when the store opens.
 */
public final class FileSystemBlobStore implements BlobStore {

  private static final int BUFFER = 1 << 16;

  private final Path objects;
  private final Path hashes;
  private final Path tmp;

  public FileSystemBlobStore(Path root) throws IOException {
    Path absolute = root.toAbsolutePath().normalize();
    this.objects = Files.createDirectories(absolute.resolve("objects"));
    this.hashes = Files.createDirectories(absolute.resolve("hashes"));
    this.tmp = Files.createDirectories(absolute.resolve("tmp"));
    try (Stream<Path> leftovers = Files.list(tmp)) {
      for (Path leftover : leftovers.toList()) {
        Files.deleteIfExists(leftover);
      }
    }
  }

  @Override
  public BlobInfo put(String key, InputStream content, long maxBytes) throws IOException {
    return write(key, content::transferTo, maxBytes);
  }

  @Override
  public BlobInfo write(String key, BlobWriter writer, long maxBytes) throws IOException {
    BlobStore.checkKey(key);
    Path temporary = tmp.resolve(UUID.randomUUID().toString());
    MessageDigest sha256 = sha256();
    long size;
    try {
      try (FileChannel channel =
              FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          LimitedOutputStream out =
              new LimitedOutputStream(
                  new DigestOutputStream(
                      new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER), sha256),
                  maxBytes)) {
        writer.writeTo(out);
        out.flush();
        channel.force(true);
        size = out.count();
      }
      String hash = HexFormat.of().formatHex(sha256.digest());
      Path target = objects.resolve(key);
      // The hash first: a crash between the two renames leaves a hash that no object has yet or
      // one of the object being replaced; stat checks the hash's size against the object's.
      writeAtomically(hashes.resolve(key), size + " " + hash);
      moveInto(temporary, target);
      forceUpTo(objects, target.getParent());
      return new BlobInfo(key, size, hash);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  @Override
  public Optional<Path> localFile(String key) {
    BlobStore.checkKey(key);
    Path object = objects.resolve(key);
    return Files.isRegularFile(object) ? Optional.of(object) : Optional.empty();
  }

  /** Counts what passes and refuses to pass more than its limit. */
  private static final class LimitedOutputStream extends FilterOutputStream {
    private final long limit;
    private long count;

    LimitedOutputStream(OutputStream out, long limit) {
      super(out);
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      advance(1);
      out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      advance(length);
      out.write(bytes, offset, length);
    }

    private void advance(long length) throws BlobTooLargeException {
      count += length;
      if (count > limit) {
        throw new BlobTooLargeException(limit);
      }
    }

    long count() {
      return count;
    }
  }

  @Override
  public Optional<BlobInfo> stat(String key) throws IOException {
    BlobStore.checkKey(key);
    Path object = objects.resolve(key);
    if (!Files.isRegularFile(object)) {
      return Optional.empty();
    }
    long size = Files.size(object);
    Path hashFile = hashes.resolve(key);
    if (Files.isRegularFile(hashFile)) {
      String[] stored = Files.readString(hashFile, StandardCharsets.US_ASCII).split(" ");
      if (stored.length == 2 && stored[0].equals(Long.toString(size))) {
        return Optional.of(new BlobInfo(key, size, stored[1]));
      }
    }
    // Left stale by a crash mid-put: hash the object again and keep the result.
    MessageDigest sha256 = sha256();
    try (InputStream in = Files.newInputStream(object)) {
      byte[] buffer = new byte[BUFFER];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        sha256.update(buffer, 0, read);
      }
    }
    String hash = HexFormat.of().formatHex(sha256.digest());
    writeAtomically(hashFile, size + " " + hash);
    return Optional.of(new BlobInfo(key, size, hash));
  }

  @Override
  public InputStream open(String key) throws IOException {
    BlobStore.checkKey(key);
    Path object = objects.resolve(key);
    if (!Files.isRegularFile(object)) {
      throw new NoSuchFileException(key);
    }
    return Files.newInputStream(object);
  }

  @Override
  public boolean delete(String key) throws IOException {
    BlobStore.checkKey(key);
    boolean deleted = Files.deleteIfExists(objects.resolve(key));
    Files.deleteIfExists(hashes.resolve(key));
    pruneEmptyParents(objects, objects.resolve(key).getParent());
    pruneEmptyParents(hashes, hashes.resolve(key).getParent());
    return deleted;
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    if (!prefix.isEmpty()) {
      BlobStore.checkKey(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    }
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? objects : objects.resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(start)) {
      files
          .filter(Files::isRegularFile)
          .map(file -> objects.relativize(file).toString().replace('\\', '/'))
          .filter(key -> key.startsWith(prefix))
          .sorted()
          .forEach(keys::add);
    }
    return keys;
  }

  private void writeAtomically(Path target, String text) throws IOException {
    Path temporary = tmp.resolve(UUID.randomUUID().toString());
    try {
      try (FileChannel channel =
          FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        channel.force(true);
      }
      moveInto(temporary, target);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Renames {@code source} to {@code target}, making its directory (again, if a delete pruned it).
   */
  private static void moveInto(Path source, Path target) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.createDirectories(target.getParent());
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        // A concurrent delete pruned the directory: after it was made and before the move, or
        // between createDirectories' attempt to make it (which found it there) and its check
        // that it is a directory (which no longer found it). Make it again.
        if (attempt == 10 || !Files.exists(source)) {
          throw e;
        }
      }
    }
  }

  private static void pruneEmptyParents(Path root, Path directory) throws IOException {
    Path current = directory;
    while (current != null && !current.equals(root) && current.startsWith(root)) {
      try {
        Files.deleteIfExists(current);
      } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
        return;
      }
      current = current.getParent();
    }
  }

  /**
   * Forces {@code directory} and every directory above it up to {@code root}: a directory made for
   * this blob is only durable once its own entry in its parent is.
   */
  private static void forceUpTo(Path root, Path directory) {
    for (Path current = directory;
        current != null && current.startsWith(root);
        current = current.getParent()) {
      force(current);
    }
  }

  private static void force(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename is still atomic.
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
