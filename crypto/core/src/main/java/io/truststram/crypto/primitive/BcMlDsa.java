package io.truststram.crypto.primitive;

import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.HashMLDSASigner;
import org.bouncycastle.crypto.signers.MLDSASigner;

/**
 * ML-DSA from Bouncy Castle's lightweight API, with context strings and HashML-DSA (SHA-512
 * pre-hash). Keys are the same for both; the parameter set with SHA-512 is chosen per call.
 */
final class BcMlDsa extends Implemented implements SignatureScheme {

  private final MLDSAParameters pure;
  private final MLDSAParameters preHashed;

  BcMlDsa(Algorithm algorithm) {
    super(algorithm, Implementation.BOUNCY_CASTLE);
    switch (algorithm) {
      case ML_DSA_44 -> {
        pure = MLDSAParameters.ml_dsa_44;
        preHashed = MLDSAParameters.ml_dsa_44_with_sha512;
      }
      case ML_DSA_65 -> {
        pure = MLDSAParameters.ml_dsa_65;
        preHashed = MLDSAParameters.ml_dsa_65_with_sha512;
      }
      case ML_DSA_87 -> {
        pure = MLDSAParameters.ml_dsa_87;
        preHashed = MLDSAParameters.ml_dsa_87_with_sha512;
      }
      default -> throw new IllegalArgumentException(algorithm + " is not ML-DSA");
    }
  }

  @Override
  public boolean supports(SignOptions options) {
    return true;
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    MLDSAKeyPairGenerator generator = new MLDSAKeyPairGenerator();
    generator.init(new MLDSAKeyGenerationParameters(random, pure));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    MLDSAPrivateKeyParameters secret = (MLDSAPrivateKeyParameters) pair.getPrivate();
    return new KeyPair(
        algorithm,
        ((MLDSAPublicKeyParameters) pair.getPublic()).getEncoded(),
        secret.getParametersWithFormat(MLDSAPrivateKeyParameters.EXPANDED_KEY).getEncoded());
  }

  @Override
  public byte[] sign(byte[] secretKey, byte[] message, SignOptions options, SecureRandom random) {
    InvalidKeyException.requireLength(
        algorithm, "secret key", secretKey, algorithm.secretKeyLength());
    MLDSAPrivateKeyParameters key;
    try {
      key = new MLDSAPrivateKeyParameters(options.preHash() ? preHashed : pure, secretKey);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException(algorithm + " secret key is not a valid encoding");
    }
    Signer signer = signer(options);
    signer.init(true, withContext(new ParametersWithRandom(key, random), options));
    signer.update(message, 0, message.length);
    try {
      return signer.generateSignature();
    } catch (CryptoException e) {
      throw new IllegalStateException(algorithm + " signing failed", e);
    }
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature, SignOptions options) {
    InvalidKeyException.requireLength(
        algorithm, "public key", publicKey, algorithm.publicKeyLength());
    if (signature.length != algorithm.outputLength()) {
      return false;
    }
    MLDSAPublicKeyParameters key =
        new MLDSAPublicKeyParameters(options.preHash() ? preHashed : pure, publicKey);
    Signer verifier = signer(options);
    verifier.init(false, withContext(key, options));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  private static Signer signer(SignOptions options) {
    return options.preHash() ? new HashMLDSASigner() : new MLDSASigner();
  }

  static CipherParameters withContext(CipherParameters key, SignOptions options) {
    return options.hasContext() ? new ParametersWithContext(key, options.context()) : key;
  }
}
