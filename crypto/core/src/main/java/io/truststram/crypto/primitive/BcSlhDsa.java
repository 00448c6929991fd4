package io.truststram.crypto.primitive;

import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.generators.SLHDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.SLHDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.SLHDSAParameters;
import org.bouncycastle.crypto.params.SLHDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.SLHDSAPublicKeyParameters;
import org.bouncycastle.crypto.signers.HashSLHDSASigner;
import org.bouncycastle.crypto.signers.SLHDSASigner;

/** SLH-DSA (FIPS 205) from Bouncy Castle, with context strings and HashSLH-DSA. */
final class BcSlhDsa extends Implemented implements SignatureScheme {

  private final SLHDSAParameters pure;
  private final SLHDSAParameters preHashed;

  BcSlhDsa(Algorithm algorithm) {
    super(algorithm, Implementation.BOUNCY_CASTLE);
    switch (algorithm) {
      case SLH_DSA_SHA2_128S -> {
        pure = SLHDSAParameters.sha2_128s;
        preHashed = SLHDSAParameters.sha2_128s_with_sha256;
      }
      case SLH_DSA_SHA2_128F -> {
        pure = SLHDSAParameters.sha2_128f;
        preHashed = SLHDSAParameters.sha2_128f_with_sha256;
      }
      case SLH_DSA_SHAKE_256F -> {
        pure = SLHDSAParameters.shake_256f;
        preHashed = SLHDSAParameters.shake_256f_with_shake256;
      }
      default -> throw new IllegalArgumentException(algorithm + " is not SLH-DSA");
    }
  }

  @Override
  public boolean supports(SignOptions options) {
    return true;
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    SLHDSAKeyPairGenerator generator = new SLHDSAKeyPairGenerator();
    generator.init(new SLHDSAKeyGenerationParameters(random, pure));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    return new KeyPair(
        algorithm,
        ((SLHDSAPublicKeyParameters) pair.getPublic()).getEncoded(),
        ((SLHDSAPrivateKeyParameters) pair.getPrivate()).getEncoded());
  }

  @Override
  public byte[] sign(byte[] secretKey, byte[] message, SignOptions options, SecureRandom random) {
    InvalidKeyException.requireLength(
        algorithm, "secret key", secretKey, algorithm.secretKeyLength());
    var key = new SLHDSAPrivateKeyParameters(options.preHash() ? preHashed : pure, secretKey);
    var parameters = BcMlDsa.withContext(new ParametersWithRandom(key, random), options);
    if (options.preHash()) {
      HashSLHDSASigner signer = new HashSLHDSASigner();
      signer.init(true, parameters);
      signer.update(message, 0, message.length);
      try {
        return signer.generateSignature();
      } catch (CryptoException e) {
        throw new IllegalStateException(algorithm + " signing failed", e);
      }
    }
    SLHDSASigner signer = new SLHDSASigner();
    signer.init(true, parameters);
    return signer.generateSignature(message);
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature, SignOptions options) {
    InvalidKeyException.requireLength(
        algorithm, "public key", publicKey, algorithm.publicKeyLength());
    if (signature.length != algorithm.outputLength()) {
      return false;
    }
    var key = new SLHDSAPublicKeyParameters(options.preHash() ? preHashed : pure, publicKey);
    var parameters = BcMlDsa.withContext(key, options);
    if (options.preHash()) {
      HashSLHDSASigner verifier = new HashSLHDSASigner();
      verifier.init(false, parameters);
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    }
    SLHDSASigner verifier = new SLHDSASigner();
    verifier.init(false, parameters);
    return verifier.verifySignature(message, signature);
  }
}
