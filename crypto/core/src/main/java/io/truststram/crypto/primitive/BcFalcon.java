package io.truststram.crypto.primitive;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.pqc.crypto.falcon.FalconKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.falcon.FalconKeyPairGenerator;
import org.bouncycastle.pqc.crypto.falcon.FalconParameters;
import org.bouncycastle.pqc.crypto.falcon.FalconPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.falcon.FalconPublicKeyParameters;
import org.bouncycastle.pqc.crypto.falcon.FalconSigner;

/**
 * Falcon as submitted to NIST's third round, from Bouncy Castle: not FIPS 206 FN-DSA, whose
 * standard is not final. Keys use the round-3 encodings: a public key is a header byte (log2 n)
 * then h; a secret key a header byte (0x50 + log2 n) then f, g and F.
 */
final class BcFalcon extends Implemented implements SignatureScheme {

  private final FalconParameters parameters;
  private final int logN;

  BcFalcon(Algorithm algorithm) {
    super(algorithm, Implementation.BOUNCY_CASTLE);
    this.parameters =
        switch (algorithm) {
          case FALCON_512 -> FalconParameters.falcon_512;
          case FALCON_1024 -> FalconParameters.falcon_1024;
          default -> throw new IllegalArgumentException(algorithm + " is not Falcon");
        };
    this.logN = parameters.getLogN();
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    FalconKeyPairGenerator generator = new FalconKeyPairGenerator();
    generator.init(new FalconKeyGenerationParameters(random, parameters));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    byte[] h = ((FalconPublicKeyParameters) pair.getPublic()).getH();
    byte[] fgF = ((FalconPrivateKeyParameters) pair.getPrivate()).getEncoded();
    return new KeyPair(algorithm, withHeader(logN, h), withHeader(0x50 + logN, fgF));
  }

  @Override
  public byte[] sign(byte[] secretKey, byte[] message, SignOptions options, SecureRandom random) {
    requireSupported(supports(options), "context strings or pre-hashing");
    FalconPrivateKeyParameters key = secretKey(secretKey);
    FalconSigner signer = new FalconSigner();
    signer.init(true, new ParametersWithRandom(key, random));
    return signer.generateSignature(message);
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature, SignOptions options) {
    requireSupported(supports(options), "context strings or pre-hashing");
    InvalidKeyException.requireLength(
        algorithm, "public key", publicKey, algorithm.publicKeyLength());
    if (publicKey[0] != logN) {
      throw new InvalidKeyException(algorithm + " public key has the wrong header");
    }
    if (signature.length == 0 || signature.length > algorithm.outputLength()) {
      return false;
    }
    FalconSigner verifier = new FalconSigner();
    verifier.init(
        false,
        new FalconPublicKeyParameters(
            parameters, Arrays.copyOfRange(publicKey, 1, publicKey.length)));
    try {
      return verifier.verifySignature(message, signature);
    } catch (RuntimeException e) {
      // Bouncy Castle throws on some malformed signatures instead of answering false.
      return false;
    }
  }

  private FalconPrivateKeyParameters secretKey(byte[] raw) {
    InvalidKeyException.requireLength(algorithm, "secret key", raw, algorithm.secretKeyLength());
    if (raw[0] != 0x50 + logN) {
      throw new InvalidKeyException(algorithm + " secret key has the wrong header");
    }
    int n = 1 << logN;
    int small = logN == 9 ? 6 : 5;
    int partLength = n * small / 8;
    int bigLength = n;
    byte[] f = Arrays.copyOfRange(raw, 1, 1 + partLength);
    byte[] g = Arrays.copyOfRange(raw, 1 + partLength, 1 + 2 * partLength);
    byte[] bigF = Arrays.copyOfRange(raw, 1 + 2 * partLength, 1 + 2 * partLength + bigLength);
    return new FalconPrivateKeyParameters(parameters, f, g, bigF, new byte[0]);
  }

  private static byte[] withHeader(int header, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) header;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }
}
