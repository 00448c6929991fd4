package io.truststram.federation.secagg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Which long-term identity key a client of a secure round must sign its key bundle with. The
 * coordinator relays every bundle, so a client cannot take a key from it on trust: a coordinator
 * that swapped a neighbour's keys for its own would read that neighbour's shares. A directory is
 * the client's own record of its peers' identity keys: given in advance ({@link #of}), or pinned on
 * first use in a file ({@link #pinning}), after which a different key for the same peer is refused.
 */
public interface IdentityDirectory {

  /**
   * Whether {@code identityKey} is the key of client {@code clientId}.
   *
   * @throws UncheckedIOException when a pinning directory cannot record the key
   */
  boolean trusted(String clientId, byte[] identityKey);

  /** A directory of known keys; any other client, or another key, is refused. */
  static IdentityDirectory of(Map<String, byte[]> keys) {
    Map<String, byte[]> copy = new HashMap<>();
    keys.forEach((id, key) -> copy.put(id, key.clone()));
    return (id, key) -> copy.containsKey(id) && java.util.Arrays.equals(copy.get(id), key);
  }

  /** A directory that trusts a client's first key and pins it for this process's lifetime. */
  static IdentityDirectory firstUse() {
    Map<String, byte[]> pins = new java.util.concurrent.ConcurrentHashMap<>();
    return (id, key) -> java.util.Arrays.equals(pins.computeIfAbsent(id, k -> key.clone()), key);
  }

  /**
   * A directory that trusts a client's first key and pins it in {@code file} (a properties file of
   * client ids and base64 keys, created when missing), refusing any later, different key for it.
   */
  static IdentityDirectory pinning(Path file) {
    return new IdentityDirectory() {
      private final Properties pins = load(file);

      @Override
      public synchronized boolean trusted(String clientId, byte[] identityKey) {
        String encoded = Base64.getEncoder().encodeToString(identityKey);
        String pinned = pins.getProperty(clientId);
        if (pinned != null) {
          return pinned.equals(encoded);
        }
        pins.setProperty(clientId, encoded);
        try {
          Path parent = file.toAbsolutePath().getParent();
          Files.createDirectories(parent);
          Path temporary = Files.createTempFile(parent, "identities", ".tmp");
          try (var out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            pins.store(out, "secure aggregation identity keys, pinned on first use");
          }
          Files.move(
              temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot pin identity keys in " + file, e);
        }
        return true;
      }
    };
  }

  private static Properties load(Path file) {
    Properties pins = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        pins.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read pinned identity keys in " + file, e);
      }
    }
    return pins;
  }
}
