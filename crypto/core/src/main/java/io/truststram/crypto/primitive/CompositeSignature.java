package io.truststram.crypto.primitive;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;

/**
 * A composite of ML-DSA and a classical signature, after the IETF LAMPS composite signatures draft:
 * both sign the same representative M' = prefix || label || len(ctx) || ctx || SHA-512(M), ML-DSA
 * with the label as its context; the signature verifies only when both do. Public keys and
 * signatures are the concatenations of the parts' encodings as the draft has them (the ECDSA part
 * of a signature DER-encoded), so Bouncy Castle's composites verify ours and ours theirs (tested);
 * the secret key is the ML-DSA seed followed by the classical raw secret key.
 */
final class CompositeSignature extends Implemented implements SignatureScheme {

  private static final byte[] PREFIX =
      "CompositeAlgorithmSignatures2025".getBytes(StandardCharsets.US_ASCII);

  private final Algorithm mlDsa;
  private final MLDSAParameters parameters;
  private final SignatureScheme classical;
  private final byte[] label;

  CompositeSignature(Algorithm algorithm, List<SignatureScheme> mlDsa, SignatureScheme classical) {
    super(algorithm, Implementation.BOUNCY_CASTLE);
    this.mlDsa = mlDsa.getFirst().algorithm();
    this.classical = classical;
    switch (algorithm) {
      case ML_DSA_65_ED25519 -> {
        parameters = MLDSAParameters.ml_dsa_65;
        label = ascii("COMPSIG-MLDSA65-Ed25519-SHA512");
      }
      case ML_DSA_87_ECDSA_P384 -> {
        parameters = MLDSAParameters.ml_dsa_87;
        label = ascii("COMPSIG-MLDSA87-ECDSA-P384-SHA512");
      }
      default -> throw new IllegalArgumentException(algorithm + " is not a composite");
    }
  }

  @Override
  public boolean supports(SignOptions options) {
    return !options.preHash();
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    MLDSAKeyPairGenerator generator = new MLDSAKeyPairGenerator();
    generator.init(new MLDSAKeyGenerationParameters(random, parameters));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    byte[] mlPublic = ((MLDSAPublicKeyParameters) pair.getPublic()).getEncoded();
    byte[] seed = ((MLDSAPrivateKeyParameters) pair.getPrivate()).getSeed();
    KeyPair trad = classical.generateKeyPair(random);
    return new KeyPair(
        algorithm,
        Digests.concat(mlPublic, trad.publicKey()),
        Digests.concat(seed, trad.secretKey()));
  }

  @Override
  public byte[] sign(byte[] secretKey, byte[] message, SignOptions options, SecureRandom random) {
    requireSupported(supports(options), "pre-hashed variant");
    InvalidKeyException.requireLength(
        algorithm, "secret key", secretKey, algorithm.secretKeyLength());
    byte[] representative = representative(message, options.context());
    var key = new MLDSAPrivateKeyParameters(parameters, Arrays.copyOf(secretKey, 32));
    MLDSASigner signer = new MLDSASigner();
    signer.init(true, new ParametersWithContext(new ParametersWithRandom(key, random), label));
    signer.update(representative, 0, representative.length);
    byte[] mlSignature;
    try {
      mlSignature = signer.generateSignature();
    } catch (CryptoException e) {
      throw new IllegalStateException(algorithm + " signing failed", e);
    }
    byte[] tradSignature =
        classical.sign(
            Arrays.copyOfRange(secretKey, 32, secretKey.length),
            representative,
            SignOptions.NONE,
            random);
    return Digests.concat(mlSignature, ecdsa() ? EcdsaDer.encode(tradSignature) : tradSignature);
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature, SignOptions options) {
    requireSupported(supports(options), "pre-hashed variant");
    InvalidKeyException.requireLength(
        algorithm, "public key", publicKey, algorithm.publicKeyLength());
    int mlLength = mlDsa.outputLength();
    if (signature.length <= mlLength || signature.length > algorithm.outputLength()) {
      return false;
    }
    byte[] tradSignature = Arrays.copyOfRange(signature, mlLength, signature.length);
    if (ecdsa()) {
      // The draft (and Bouncy Castle) carry the ECDSA part DER-encoded.
      tradSignature = EcdsaDer.decode(tradSignature, classical.algorithm().outputLength() / 2);
      if (tradSignature == null) {
        return false;
      }
    }
    byte[] representative = representative(message, options.context());
    var key =
        new MLDSAPublicKeyParameters(parameters, Arrays.copyOf(publicKey, mlDsa.publicKeyLength()));
    MLDSASigner verifier = new MLDSASigner();
    verifier.init(false, new ParametersWithContext(key, label));
    verifier.update(representative, 0, representative.length);
    boolean mlValid = verifier.verifySignature(Arrays.copyOf(signature, mlLength));
    boolean tradValid =
        classical.verify(
            Arrays.copyOfRange(publicKey, mlDsa.publicKeyLength(), publicKey.length),
            representative,
            tradSignature,
            SignOptions.NONE);
    return mlValid & tradValid;
  }

  private boolean ecdsa() {
    return classical.algorithm() == Algorithm.ECDSA_P384;
  }

  private byte[] representative(byte[] message, byte[] context) {
    byte[] digest = Digests.sha512(message);
    byte[] out = new byte[PREFIX.length + label.length + 1 + context.length + digest.length];
    int at = 0;
    System.arraycopy(PREFIX, 0, out, at, PREFIX.length);
    at += PREFIX.length;
    System.arraycopy(label, 0, out, at, label.length);
    at += label.length;
    out[at++] = (byte) context.length;
    System.arraycopy(context, 0, out, at, context.length);
    at += context.length;
    System.arraycopy(digest, 0, out, at, digest.length);
    return out;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
