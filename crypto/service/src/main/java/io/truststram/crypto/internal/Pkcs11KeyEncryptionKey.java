package io.truststram.crypto.internal;

import io.truststram.crypto.primitive.Aes256Gcm;
import io.truststram.crypto.primitive.DecryptionFailedException;
import io.truststram.crypto.primitive.Digests;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * An AES-256 key-encryption key that never leaves a PKCS#11 token (an HSM, or SoftHSM2), used
 * through the JDK's SunPKCS11 provider: the token does every wrap and unwrap with AES-GCM. The key
 * is found by its label, or generated in the token (sensitive, unextractable) on first start.
 *
 * <p>The token is chosen by its index in the list of slots that hold a token ({@code
 * slotListIndex}), not by slot id: SoftHSM2 gives a token a new slot id when it is initialised.
 */
final class Pkcs11KeyEncryptionKey implements KeyEncryptionKey {

  private final Provider provider;
  private final Key key;
  private final String id;
  private final SecureRandom random;

  private Pkcs11KeyEncryptionKey(Provider provider, Key key, String id, SecureRandom random) {
    this.provider = provider;
    this.key = key;
    this.id = id;
    this.random = random;
  }

  /**
   * Logs in to the token and finds (or creates) the AES key labelled {@code label}.
   *
   * @throws IllegalStateException when the library, token, PIN or key cannot be used, saying which
   */
  static Pkcs11KeyEncryptionKey open(
      String library, int slotListIndex, char[] pin, String label, SecureRandom random) {
    Provider provider;
    try {
      provider =
          Security.getProvider("SunPKCS11")
              .configure(
                  "--name=truststram-kek\n"
                      + "library="
                      + library
                      + "\n"
                      + "slotListIndex="
                      + slotListIndex
                      + "\n"
                      + "attributes(generate,CKO_SECRET_KEY,*) = {\n"
                      + "  CKA_SENSITIVE = true\n"
                      + "  CKA_EXTRACTABLE = false\n"
                      + "}\n");
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot load the PKCS#11 library " + library + " (slot list index " + slotListIndex + ")",
          e);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS11", provider);
      store.load(null, pin);
      Key key = store.getKey(label, null);
      if (key == null) {
        KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
        generator.init(256);
        SecretKey generated = generator.generateKey();
        store.setEntry(label, new KeyStore.SecretKeyEntry(generated), null);
        key = store.getKey(label, null);
      }
      if (key == null || !"AES".equals(key.getAlgorithm())) {
        throw new IllegalStateException(
            "the PKCS#11 token has no AES key labelled '" + label + "' and could not create one");
      }
      Pkcs11KeyEncryptionKey kek = new Pkcs11KeyEncryptionKey(provider, key, "", random);
      return new Pkcs11KeyEncryptionKey(
          provider, key, "pkcs11:" + label + ":" + kek.checkValue(), random);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot log in to the PKCS#11 token at slot list index "
              + slotListIndex
              + " (wrong PIN, or no initialised token there)",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the PKCS#11 token refused the key-encryption key", e);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public byte[] wrap(byte[] plaintext, byte[] aad) {
    byte[] nonce = new byte[Aes256Gcm.NONCE_LENGTH];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(Aes256Gcm.TAG_LENGTH * 8, nonce));
      cipher.updateAAD(aad);
      byte[] sealed = cipher.doFinal(plaintext);
      byte[] out = Arrays.copyOf(nonce, nonce.length + sealed.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the PKCS#11 token could not wrap", e);
    }
  }

  @Override
  public byte[] unwrap(byte[] wrapped, byte[] aad) {
    if (wrapped.length < Aes256Gcm.NONCE_LENGTH + Aes256Gcm.TAG_LENGTH) {
      throw new DecryptionFailedException();
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(
              Aes256Gcm.TAG_LENGTH * 8, Arrays.copyOf(wrapped, Aes256Gcm.NONCE_LENGTH)));
      cipher.updateAAD(aad);
      return cipher.doFinal(
          wrapped, Aes256Gcm.NONCE_LENGTH, wrapped.length - Aes256Gcm.NONCE_LENGTH);
    } catch (AEADBadTagException e) {
      throw new DecryptionFailedException();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the PKCS#11 token could not unwrap", e);
    }
  }

  /**
   * A key check value: SHA-256 of the key's GCM encryption of a fixed block under a fixed nonce (a
   * single known message, so the fixed nonce gives nothing away), first 8 bytes. It names the key
   * without showing it, so material wrapped by another key is recognised as such.
   */
  private String checkValue() throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, new byte[12]));
    cipher.updateAAD(
        "truststram kek check value".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] value = cipher.doFinal(new byte[16]);
    return HexFormat.of().formatHex(Digests.sha256(value), 0, 8);
  }
}
