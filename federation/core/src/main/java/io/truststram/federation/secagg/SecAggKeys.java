package io.truststram.federation.secagg;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.Hkdf;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.SeedKeys;
import io.truststram.crypto.primitive.SignOptions;
import java.nio.charset.StandardCharsets;

/** The derivations client and coordinator must agree on. */
final class SecAggKeys {

  /** Identity keys sign bundles under this context string (FIPS 204 domain separation). */
  static final SignOptions SIGNING =
      SignOptions.context("truststram secagg key bundle".getBytes(StandardCharsets.UTF_8));

  static final Algorithm IDENTITY = Algorithm.ML_DSA_65;

  private static final byte[] SALT = "truststram secagg".getBytes(StandardCharsets.UTF_8);

  private SecAggKeys() {}

  /** The mask key pair a client's mask secret determines. */
  static KeyPair maskKeyPair(SecAggRound round, int client, byte[] maskSecret) {
    Algorithm kem = round.parameters().kem();
    byte[] seed =
        Hkdf.sha256(
            maskSecret,
            SALT,
            round.labelBytes("mask-key", client, client),
            SeedKeys.kemSeedLength(kem));
    return SeedKeys.kemFromSeed(kem, seed);
  }

  /** The mask seed of pair (lower, higher), which the lower client derives from its mask secret. */
  static byte[] pairSeed(SecAggRound round, byte[] maskSecret, int lower, int higher) {
    return Hkdf.sha256(maskSecret, SALT, round.labelBytes("pair-seed", lower, higher), 32);
  }

  /**
   * Null when {@code bundle} is well formed and signed by the identity key it names; else why not.
   */
  static @org.jspecify.annotations.Nullable String problem(
      SecAggRound round, SecAggMessages.KeyBundle bundle) {
    Algorithm kem = round.parameters().kem();
    if (bundle.channelKey().length != kem.publicKeyLength()
        || bundle.maskKey().length != kem.publicKeyLength()
        || bundle.identityKey().length != IDENTITY.publicKeyLength()) {
      return "its keys are not " + kem.fipsName() + " and " + IDENTITY.fipsName() + " keys";
    }
    try {
      if (io.truststram.crypto.primitive.Primitives.signer(IDENTITY, SIGNING)
          .verify(bundle.identityKey(), bundle.signed(round), bundle.signature(), SIGNING)) {
        return null;
      }
    } catch (RuntimeException e) {
      // An unparsable key or signature fails like a wrong one.
    }
    return "it is not signed by the identity key it names: it was changed on the way";
  }

  /** Whether {@code signature} over {@code message} is by {@code identityKey}. */
  static boolean verifies(byte[] identityKey, byte[] message, byte[] signature) {
    try {
      return io.truststram.crypto.primitive.Primitives.signer(IDENTITY, SIGNING)
          .verify(identityKey, message, signature, SIGNING);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The length of a sealed box of {@code plaintext} bytes under {@code kem}. */
  static int sealedLength(Algorithm kem, int plaintext) {
    return 4
        + kem.outputLength()
        + io.truststram.crypto.primitive.Aes256Gcm.NONCE_LENGTH
        + plaintext
        + io.truststram.crypto.primitive.Aes256Gcm.TAG_LENGTH;
  }

  /** The plaintext of a box of shares: two indices and two shares (x and 66-byte y each). */
  static final int SHARES_PLAINTEXT = 8 + 2 * (4 + 66);

  static String selfLabel(SecAggRound round, int client) {
    return round.label() + "|self|" + client;
  }

  static String pairLabel(SecAggRound round, int lower, int higher) {
    return round.label() + "|pair|" + lower + "|" + higher;
  }
}
