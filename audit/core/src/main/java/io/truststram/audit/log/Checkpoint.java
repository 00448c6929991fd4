package io.truststram.audit.log;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.SignOptions;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * A log's state at one moment: which log ({@code origin}, e.g. the tenant), how many entries, the
 * root hash over them, and when. Signed, it commits the log to exactly those entries: a later
 * checkpoint must be consistent with it, and every entry must be included in it.
 *
 * <p>The signed body is text, one field a line, after a first line that says what it is (so a
 * checkpoint signature can never be taken for a signature over anything else):
 *
 * <pre>
 * truststram audit checkpoint v1
 * &lt;origin&gt;
 * &lt;size&gt;
 * &lt;root hash, base64&gt;
 * &lt;time, ISO-8601&gt;
 * </pre>
 */
public record Checkpoint(String origin, long size, byte[] rootHash, Instant time) {

  static final String HEADER = "truststram audit checkpoint v1";

  public Checkpoint {
    if (origin.isBlank() || origin.contains("\n")) {
      throw new IllegalArgumentException("a checkpoint origin is one non-blank line");
    }
    if (size < 0 || rootHash.length != MerkleHashes.LENGTH) {
      throw new IllegalArgumentException("a checkpoint has a size >= 0 and a 32-byte root hash");
    }
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The bytes that are signed. */
  public byte[] body() {
    return (HEADER
            + "\n"
            + origin
            + "\n"
            + size
            + "\n"
            + Base64.getEncoder().encodeToString(rootHash)
            + "\n"
            + time
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** This checkpoint signed with {@code secretKey} of {@code algorithm}. */
  public Signed sign(Algorithm algorithm, byte[] secretKey, SecureRandom random) {
    byte[] signature =
        Primitives.signer(algorithm, SignOptions.NONE)
            .sign(secretKey, body(), SignOptions.NONE, random);
    return new Signed(this, algorithm, signature);
  }

  /** A checkpoint with its signature and the algorithm that made it. */
  public record Signed(Checkpoint checkpoint, Algorithm algorithm, byte[] signature) {

    public Signed {
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /** Whether the signature is the checkpoint's under {@code publicKey}. */
    public boolean verify(byte[] publicKey) {
      return Primitives.signer(algorithm, SignOptions.NONE)
          .verify(publicKey, checkpoint.body(), signature, SignOptions.NONE);
    }
  }
}
