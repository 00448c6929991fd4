package io.truststram.crypto.primitive;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * ECDSA on P-256 (SHA-256) or P-384 (SHA-384) from the JDK's SunEC. Public keys are uncompressed
 * points (0x04 || X || Y), secret keys the scalar, signatures r || s (IEEE P1363).
 */
final class JdkEcdsa extends Implemented implements SignatureScheme {

  private final String curve;
  private final String signatureName;
  private final int size;

  JdkEcdsa(Algorithm algorithm) {
    super(algorithm, Implementation.JDK);
    switch (algorithm) {
      case ECDSA_P256 -> {
        curve = "secp256r1";
        signatureName = "SHA256withECDSAinP1363Format";
        size = 32;
      }
      case ECDSA_P384 -> {
        curve = "secp384r1";
        signatureName = "SHA384withECDSAinP1363Format";
        size = 48;
      }
      default -> throw new IllegalArgumentException(algorithm + " is not ECDSA");
    }
  }

  @Override
  public KeyPair generateKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve), random);
      java.security.KeyPair pair = generator.generateKeyPair();
      ECPoint point = ((ECPublicKey) pair.getPublic()).getW();
      byte[] pub = new byte[1 + 2 * size];
      pub[0] = 4;
      fixed(point.getAffineX(), pub, 1);
      fixed(point.getAffineY(), pub, 1 + size);
      byte[] secret = new byte[size];
      fixed(((ECPrivateKey) pair.getPrivate()).getS(), secret, 0);
      return new KeyPair(algorithm, pub, secret);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make " + algorithm + " keys", e);
    }
  }

  @Override
  public byte[] sign(byte[] secretKey, byte[] message, SignOptions options, SecureRandom random) {
    requireSupported(supports(options), "context strings or pre-hashing");
    InvalidKeyException.requireLength(algorithm, "secret key", secretKey, size);
    try {
      PrivateKey key =
          KeyFactory.getInstance("EC")
              .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, secretKey), curve()));
      Signature signer = Signature.getInstance(signatureName);
      signer.initSign(key, random);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " secret key is not usable");
    }
  }

  @Override
  public boolean verify(byte[] publicKey, byte[] message, byte[] signature, SignOptions options) {
    requireSupported(supports(options), "context strings or pre-hashing");
    PublicKey key = publicKey(publicKey);
    if (signature.length != 2 * size) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(signatureName);
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " public key is not usable");
    }
  }

  private PublicKey publicKey(byte[] raw) {
    InvalidKeyException.requireLength(algorithm, "public key", raw, 1 + 2 * size);
    if (raw[0] != 4) {
      throw new InvalidKeyException(algorithm + " public key must be an uncompressed point");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + size));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(raw, 1 + size, raw.length));
    try {
      return KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), curve()));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " public key is not a point of the curve");
    }
  }

  private ECParameterSpec curve() throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(curve));
    return parameters.getParameterSpec(ECParameterSpec.class);
  }

  private void fixed(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, size);
    System.arraycopy(bytes, bytes.length - length, out, offset + size - length, length);
  }
}
