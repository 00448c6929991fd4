package io.truststram.crypto.primitive;

import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;

/**
 * ML-KEM from Bouncy Castle's lightweight API: the raw FIPS 203 mechanism, with no KDF applied to
 * the shared secret (unlike its JCA {@code KEMGenerateSpec} by default).
 */
final class BcMlKem extends Implemented implements Kem {

  private final MLKEMParameters parameters;

  BcMlKem(Algorithm algorithm) {
    super(algorithm, Implementation.BOUNCY_CASTLE);
    this.parameters =
        switch (algorithm) {
          case ML_KEM_512 -> MLKEMParameters.ml_kem_512;
          case ML_KEM_768 -> MLKEMParameters.ml_kem_768;
          case ML_KEM_1024 -> MLKEMParameters.ml_kem_1024;
          default -> throw new IllegalArgumentException(algorithm + " is not ML-KEM");
        };
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    MLKEMKeyPairGenerator generator = new MLKEMKeyPairGenerator();
    generator.init(new MLKEMKeyGenerationParameters(random, parameters));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    MLKEMPrivateKeyParameters secret = (MLKEMPrivateKeyParameters) pair.getPrivate();
    return new KeyPair(
        algorithm,
        ((MLKEMPublicKeyParameters) pair.getPublic()).getEncoded(),
        secret.getParametersWithFormat(MLKEMPrivateKeyParameters.EXPANDED_KEY).getEncoded());
  }

  @Override
  public Encapsulation encapsulate(byte[] publicKey, SecureRandom random) {
    SecretWithEncapsulation result =
        new MLKEMGenerator(random).generateEncapsulated(publicKey(publicKey));
    return new Encapsulation(result.getEncapsulation(), result.getSecret());
  }

  @Override
  public byte[] decapsulate(byte[] secretKey, byte[] ciphertext) {
    InvalidKeyException.requireLength(
        algorithm, "ciphertext", ciphertext, algorithm.outputLength());
    return new MLKEMExtractor(secretKey(secretKey)).extractSecret(ciphertext);
  }

  private MLKEMPublicKeyParameters publicKey(byte[] raw) {
    InvalidKeyException.requireLength(algorithm, "public key", raw, algorithm.publicKeyLength());
    try {
      return new MLKEMPublicKeyParameters(parameters, raw);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException(algorithm + " public key is not a valid encoding");
    }
  }

  private MLKEMPrivateKeyParameters secretKey(byte[] raw) {
    InvalidKeyException.requireLength(algorithm, "secret key", raw, algorithm.secretKeyLength());
    try {
      return new MLKEMPrivateKeyParameters(parameters, raw);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException(algorithm + " secret key is not a valid encoding");
    }
  }
}
