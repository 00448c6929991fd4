package io.truststram.crypto.primitive;

import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.pqc.crypto.xwing.XWingKEMExtractor;
import org.bouncycastle.pqc.crypto.xwing.XWingKEMGenerator;
import org.bouncycastle.pqc.crypto.xwing.XWingKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.xwing.XWingKeyPairGenerator;
import org.bouncycastle.pqc.crypto.xwing.XWingPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.xwing.XWingPublicKeyParameters;

/**
 * X-Wing (draft-connolly-cfrg-xwing-kem): ML-KEM-768 and X25519 combined with SHA3-256, from Bouncy
 * Castle. The secret key is the 32-byte seed both parts are expanded from.
 */
final class BcXWing extends Implemented implements Kem {

  BcXWing() {
    super(Algorithm.X_WING, Implementation.BOUNCY_CASTLE);
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    XWingKeyPairGenerator generator = new XWingKeyPairGenerator();
    generator.init(new XWingKeyGenerationParameters(random));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    return new KeyPair(
        Algorithm.X_WING,
        ((XWingPublicKeyParameters) pair.getPublic()).getEncoded(),
        ((XWingPrivateKeyParameters) pair.getPrivate()).getSeed());
  }

  @Override
  public Encapsulation encapsulate(byte[] publicKey, SecureRandom random) {
    InvalidKeyException.requireLength(
        Algorithm.X_WING, "public key", publicKey, Algorithm.X_WING.publicKeyLength());
    XWingPublicKeyParameters key;
    try {
      key = new XWingPublicKeyParameters(publicKey);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("X-Wing public key is not a valid encoding");
    }
    SecretWithEncapsulation result = new XWingKEMGenerator(random).generateEncapsulated(key);
    return new Encapsulation(result.getEncapsulation(), result.getSecret());
  }

  @Override
  public byte[] decapsulate(byte[] secretKey, byte[] ciphertext) {
    InvalidKeyException.requireLength(
        Algorithm.X_WING, "secret key", secretKey, Algorithm.X_WING.secretKeyLength());
    InvalidKeyException.requireLength(
        Algorithm.X_WING, "ciphertext", ciphertext, Algorithm.X_WING.outputLength());
    return new XWingKEMExtractor(new XWingPrivateKeyParameters(secretKey))
        .extractSecret(ciphertext);
  }
}
