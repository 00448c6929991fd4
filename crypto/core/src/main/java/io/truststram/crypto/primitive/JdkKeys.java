package io.truststram.crypto.primitive;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.EncodedKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Converts between the JDK's ML-KEM and ML-DSA key objects and raw FIPS encodings: public keys
 * through their X.509 SubjectPublicKeyInfo (a fixed DER prefix before the raw key), secret keys
 * through PKCS#8 in the IETF "expandedKey" form. The JDK's own raw import of secret keys is not
 * used: in 25.0.3 it returns a key whose bytes are wiped.
 */
final class JdkKeys {

  private final Algorithm algorithm;
  private final byte[] spkiPrefix;
  private final byte[] pkcs8Prefix;

  private JdkKeys(Algorithm algorithm, String spkiPrefix, String pkcs8Prefix) {
    this.algorithm = algorithm;
    this.spkiPrefix = HexFormat.of().parseHex(spkiPrefix);
    this.pkcs8Prefix = HexFormat.of().parseHex(pkcs8Prefix);
  }

  static JdkKeys of(Algorithm algorithm) {
    return switch (algorithm) {
      case ML_KEM_512 ->
          new JdkKeys(
              algorithm,
              "30820332300b06096086480165030404010382032100",
              "30820678020100300b06096086480165030404010482066404820660");
      case ML_KEM_768 ->
          new JdkKeys(
              algorithm,
              "308204b2300b0609608648016503040402038204a100",
              "30820978020100300b06096086480165030404020482096404820960");
      case ML_KEM_1024 ->
          new JdkKeys(
              algorithm,
              "30820632300b06096086480165030404030382062100",
              "30820c78020100300b060960864801650304040304820c6404820c60");
      case ML_DSA_44 ->
          new JdkKeys(
              algorithm,
              "30820532300b06096086480165030403110382052100",
              "30820a18020100300b060960864801650304031104820a0404820a00");
      case ML_DSA_65 ->
          new JdkKeys(
              algorithm,
              "308207b2300b0609608648016503040312038207a100",
              "30820fd8020100300b060960864801650304031204820fc404820fc0");
      case ML_DSA_87 ->
          new JdkKeys(
              algorithm,
              "30820a32300b060960864801650304031303820a2100",
              "30821338020100300b0609608648016503040313048213240482132" + "0");
      default -> throw new IllegalArgumentException("the JDK has no " + algorithm);
    };
  }

  /** A fresh key pair from the JDK, as raw encodings. */
  KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.fipsName());
      generator.initialize(new NamedParameterSpec(algorithm.fipsName()), random);
      java.security.KeyPair pair = generator.generateKeyPair();
      return new KeyPair(algorithm, rawPublic(pair.getPublic()), rawSecret(pair.getPrivate()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make " + algorithm + " keys", e);
    }
  }

  byte[] rawPublic(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (!startsWith(encoded, spkiPrefix)
        || encoded.length != spkiPrefix.length + algorithm.publicKeyLength()) {
      throw new IllegalStateException("unexpected " + algorithm + " public key encoding");
    }
    return Arrays.copyOfRange(encoded, spkiPrefix.length, encoded.length);
  }

  byte[] rawSecret(PrivateKey key) {
    try {
      byte[] raw =
          KeyFactory.getInstance(algorithm.fipsName())
              .getKeySpec(key, EncodedKeySpec.class)
              .getEncoded();
      if (raw.length != algorithm.secretKeyLength()) {
        throw new IllegalStateException(
            "the JDK gave a " + raw.length + "-byte " + algorithm + " secret key");
      }
      return raw;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot export " + algorithm + " secret keys", e);
    }
  }

  PublicKey publicKey(byte[] raw) {
    InvalidKeyException.requireLength(algorithm, "public key", raw, algorithm.publicKeyLength());
    try {
      return KeyFactory.getInstance(algorithm.fipsName())
          .generatePublic(new X509EncodedKeySpec(Digests.concat(spkiPrefix, raw)));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " public key is not a valid encoding");
    }
  }

  PrivateKey privateKey(byte[] raw) {
    InvalidKeyException.requireLength(algorithm, "secret key", raw, algorithm.secretKeyLength());
    byte[] pkcs8 = Digests.concat(pkcs8Prefix, raw);
    try {
      return KeyFactory.getInstance(algorithm.fipsName())
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(algorithm + " secret key is not a valid encoding");
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }
}
