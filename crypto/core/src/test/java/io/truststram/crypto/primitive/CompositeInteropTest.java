package io.truststram.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.spec.ContextParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our composite signatures against Bouncy Castle's independent implementation of the same IETF
 * draft (its JCA provider): each verifies the other's signatures, with a context string, and
 * rejects a changed message.
 */
class CompositeInteropTest {

  private static final String BC = BouncyCastleProvider.PROVIDER_NAME;
  private static final byte[] MESSAGE = "release 1.4.2".getBytes();
  private static final byte[] CONTEXT = "registry".getBytes();

  /** Bouncy Castle's composites look their parts up by provider name, so it must be registered. */
  @BeforeAll
  static void registerBouncyCastle() {
    if (Security.getProvider(BC) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "MLDSA65-Ed25519-SHA512, ML-DSA-65+Ed25519",
    "MLDSA87-ECDSA-P384-SHA512, ML-DSA-87+ECDSA-P384"
  })
  void oursAndBouncyCastlesVerifyEachOther(String bcName, String ourName) throws Exception {
    SignatureScheme ours = Primitives.signers(Algorithm.of(ourName)).getFirst();
    SecureRandom random = new SecureRandom();

    java.security.KeyPair theirs = KeyPairGenerator.getInstance(bcName, BC).generateKeyPair();
    Signature signer = Signature.getInstance(bcName, BC);
    signer.initSign(theirs.getPrivate());
    signer.setParameter(new ContextParameterSpec(CONTEXT));
    signer.update(MESSAGE);
    byte[] theirSignature = signer.sign();
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(theirs.getPublic().getEncoded());
    byte[] theirPublic = spki.getPublicKeyData().getBytes();
    assertThat(theirPublic).hasSize(Algorithm.of(ourName).publicKeyLength());
    assertThat(ours.verify(theirPublic, MESSAGE, theirSignature, SignOptions.context(CONTEXT)))
        .isTrue();
    assertThat(
            ours.verify(
                theirPublic, "other".getBytes(), theirSignature, SignOptions.context(CONTEXT)))
        .isFalse();

    KeyPair mine = ours.generateKeyPair(random);
    byte[] mySignature = ours.sign(mine.secretKey(), MESSAGE, SignOptions.context(CONTEXT), random);
    PublicKey myPublic =
        KeyFactory.getInstance(bcName, BC)
            .generatePublic(
                new X509EncodedKeySpec(
                    new SubjectPublicKeyInfo(spki.getAlgorithm(), mine.publicKey()).getEncoded()));
    Signature verifier = Signature.getInstance(bcName, BC);
    verifier.initVerify(myPublic);
    verifier.setParameter(new ContextParameterSpec(CONTEXT));
    verifier.update(MESSAGE);
    assertThat(verifier.verify(mySignature)).isTrue();
  }
}
