package io.truststram.crypto.primitive;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import javax.crypto.DecapsulateException;
import javax.crypto.KEM;

/** ML-KEM from the JDK's SunJCE provider. */
final class JdkMlKem extends Implemented implements Kem {

  private final JdkKeys keys;

  JdkMlKem(Algorithm algorithm) {
    super(algorithm, Implementation.JDK);
    this.keys = JdkKeys.of(algorithm);
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    return keys.generate(random);
  }

  @Override
  public Encapsulation encapsulate(byte[] publicKey, SecureRandom random) {
    PublicKey key = keys.publicKey(publicKey);
    try {
      KEM.Encapsulated encapsulated =
          KEM.getInstance("ML-KEM").newEncapsulator(key, null, random).encapsulate();
      return new Encapsulation(encapsulated.encapsulation(), encapsulated.key().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " public key is not usable");
    }
  }

  @Override
  public byte[] decapsulate(byte[] secretKey, byte[] ciphertext) {
    InvalidKeyException.requireLength(
        algorithm, "ciphertext", ciphertext, algorithm.outputLength());
    PrivateKey key = keys.privateKey(secretKey);
    try {
      return KEM.getInstance("ML-KEM").newDecapsulator(key).decapsulate(ciphertext).getEncoded();
    } catch (DecapsulateException e) {
      throw new InvalidKeyException(algorithm + " ciphertext is not usable");
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " secret key is not usable");
    }
  }
}
