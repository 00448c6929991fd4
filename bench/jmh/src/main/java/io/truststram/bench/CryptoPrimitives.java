package io.truststram.bench;

import io.truststram.crypto.primitive.Aes256Gcm;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.Encapsulation;
import io.truststram.crypto.primitive.Implementation;
import io.truststram.crypto.primitive.Kem;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.SignOptions;
import io.truststram.crypto.primitive.SignatureScheme;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every algorithm and operation, per implementation (JDK and Bouncy Castle side by side where both
 * exist), in operations per second on one thread. Run by {@code bench/crypto/measure.sh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CryptoPrimitives {

  private static final byte[] MESSAGE = new byte[32];

  /** A KEM and its implementation, as ALGORITHM/IMPLEMENTATION. */
  @State(Scope.Benchmark)
  public static class Kems {
    @Param({
      "ML-KEM-512/JDK",
      "ML-KEM-512/BOUNCY_CASTLE",
      "ML-KEM-768/JDK",
      "ML-KEM-768/BOUNCY_CASTLE",
      "ML-KEM-1024/JDK",
      "ML-KEM-1024/BOUNCY_CASTLE",
      "X-Wing/BOUNCY_CASTLE"
    })
    public String kem;

    Kem implementation;
    KeyPair keys;
    Encapsulation encapsulation;
    final SecureRandom random = new SecureRandom();

    @Setup
    public void setUp() {
      String[] parts = kem.split("/");
      Implementation which = Implementation.valueOf(parts[1]);
      implementation =
          Primitives.kems(Algorithm.of(parts[0])).stream()
              .filter(k -> k.implementation() == which)
              .findFirst()
              .orElseThrow();
      keys = implementation.generateKeyPair(random);
      encapsulation = implementation.encapsulate(keys.publicKey(), random);
    }
  }

  /** A signature scheme and its implementation, as ALGORITHM/IMPLEMENTATION. */
  @State(Scope.Benchmark)
  public static class Signers {
    @Param({
      "ML-DSA-44/JDK",
      "ML-DSA-44/BOUNCY_CASTLE",
      "ML-DSA-65/JDK",
      "ML-DSA-65/BOUNCY_CASTLE",
      "ML-DSA-87/JDK",
      "ML-DSA-87/BOUNCY_CASTLE",
      "SLH-DSA-SHA2-128s/BOUNCY_CASTLE",
      "SLH-DSA-SHA2-128f/BOUNCY_CASTLE",
      "SLH-DSA-SHAKE-256f/BOUNCY_CASTLE",
      "Falcon-512/BOUNCY_CASTLE",
      "Falcon-1024/BOUNCY_CASTLE",
      "ML-DSA-65+Ed25519/BOUNCY_CASTLE",
      "ML-DSA-87+ECDSA-P384/BOUNCY_CASTLE",
      "Ed25519/BOUNCY_CASTLE",
      "ECDSA-P256/JDK"
    })
    public String scheme;

    SignatureScheme implementation;
    KeyPair keys;
    byte[] signature;
    final SecureRandom random = new SecureRandom();

    @Setup
    public void setUp() {
      String[] parts = scheme.split("/");
      Implementation which = Implementation.valueOf(parts[1]);
      implementation =
          Primitives.signers(Algorithm.of(parts[0])).stream()
              .filter(s -> s.implementation() == which)
              .findFirst()
              .orElseThrow();
      keys = implementation.generateKeyPair(random);
      signature = implementation.sign(keys.secretKey(), MESSAGE, SignOptions.NONE, random);
    }
  }

  /** AES-256-GCM on 1 KiB messages, the baseline of the key manager's encrypt. */
  @State(Scope.Benchmark)
  public static class Aead {
    final SecureRandom random = new SecureRandom();
    final byte[] key = new byte[32];
    final byte[] plaintext = new byte[1024];
    final byte[] aad = new byte[0];

    @Setup
    public void setUp() {
      random.nextBytes(key);
    }
  }

  @Benchmark
  public KeyPair kemKeygen(Kems state) {
    return state.implementation.generateKeyPair(state.random);
  }

  @Benchmark
  public Encapsulation kemEncapsulate(Kems state) {
    return state.implementation.encapsulate(state.keys.publicKey(), state.random);
  }

  @Benchmark
  public byte[] kemDecapsulate(Kems state) {
    return state.implementation.decapsulate(
        state.keys.secretKey(), state.encapsulation.ciphertext());
  }

  @Benchmark
  public KeyPair signatureKeygen(Signers state) {
    return state.implementation.generateKeyPair(state.random);
  }

  @Benchmark
  public byte[] signatureSign(Signers state) {
    return state.implementation.sign(
        state.keys.secretKey(), MESSAGE, SignOptions.NONE, state.random);
  }

  @Benchmark
  public boolean signatureVerify(Signers state) {
    return state.implementation.verify(
        state.keys.publicKey(), MESSAGE, state.signature, SignOptions.NONE);
  }

  @Benchmark
  public byte[] aesGcmEncrypt1KiB(Aead state) {
    return Aes256Gcm.encrypt(state.key, state.plaintext, state.aad, state.random);
  }
}
