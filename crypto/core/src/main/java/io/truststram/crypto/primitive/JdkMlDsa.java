package io.truststram.crypto.primitive;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;

/** ML-DSA from the JDK's SUN provider: pure ML-DSA with an empty context only. */
final class JdkMlDsa extends Implemented implements SignatureScheme {

  private final JdkKeys keys;

  JdkMlDsa(Algorithm algorithm) {
    super(algorithm, Implementation.JDK);
    this.keys = JdkKeys.of(algorithm);
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    return keys.generate(random);
  }

  @Override
  public byte[] sign(byte[] secretKey, byte[] message, SignOptions options, SecureRandom random) {
    requireSupported(supports(options), "context strings or pre-hashing");
    try {
      Signature signature = Signature.getInstance(algorithm.fipsName());
      signature.initSign(keys.privateKey(secretKey), random);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " secret key is not usable");
    }
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature, SignOptions options) {
    requireSupported(supports(options), "context strings or pre-hashing");
    var key = keys.publicKey(publicKey);
    if (signature.length != algorithm.outputLength()) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(algorithm.fipsName());
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " public key is not usable");
    }
  }
}
