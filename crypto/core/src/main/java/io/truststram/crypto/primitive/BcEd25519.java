package io.truststram.crypto.primitive;

import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.Ed25519ctxSigner;

/** Ed25519 (RFC 8032) from Bouncy Castle; a context string selects Ed25519ctx. */
final class BcEd25519 extends Implemented implements SignatureScheme {

  BcEd25519() {
    super(Algorithm.ED25519, Implementation.BOUNCY_CASTLE);
  }

  @Override
  public boolean supports(SignOptions options) {
    return !options.preHash();
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
    generator.init(new Ed25519KeyGenerationParameters(random));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    return new KeyPair(
        Algorithm.ED25519,
        ((Ed25519PublicKeyParameters) pair.getPublic()).getEncoded(),
        ((Ed25519PrivateKeyParameters) pair.getPrivate()).getEncoded());
  }

  @Override
  public byte[] sign(byte[] secretKey, byte[] message, SignOptions options, SecureRandom random) {
    requireSupported(supports(options), "pre-hashed variant here");
    InvalidKeyException.requireLength(Algorithm.ED25519, "secret key", secretKey, 32);
    var key = new Ed25519PrivateKeyParameters(secretKey);
    var signer = signer(options);
    signer.init(true, key);
    signer.update(message, 0, message.length);
    try {
      return signer.generateSignature();
    } catch (org.bouncycastle.crypto.CryptoException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature, SignOptions options) {
    requireSupported(supports(options), "pre-hashed variant here");
    InvalidKeyException.requireLength(Algorithm.ED25519, "public key", publicKey, 32);
    if (signature.length != 64) {
      return false;
    }
    Ed25519PublicKeyParameters key;
    try {
      key = new Ed25519PublicKeyParameters(publicKey);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("Ed25519 public key is not a valid encoding");
    }
    var verifier = signer(options);
    verifier.init(false, key);
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  private static org.bouncycastle.crypto.Signer signer(SignOptions options) {
    return options.context().length > 0
        ? new Ed25519ctxSigner(options.context())
        : new Ed25519Signer();
  }
}
