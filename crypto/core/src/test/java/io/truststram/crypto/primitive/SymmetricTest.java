package io.truststram.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SymmetricTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void hkdfMatchesRfc5869TestCase1() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertThat(HEX.formatHex(Hkdf.sha256(ikm, salt, info, 42)))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void hmacMatchesRfc4231TestCase2() {
    byte[] key = "Jefe".getBytes();
    byte[] data = "what do ya want for nothing?".getBytes();
    assertThat(HEX.formatHex(Hmac.SHA256.mac(key, data)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertThat(HEX.formatHex(Hmac.SHA512.mac(key, data)))
        .startsWith("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554");
    assertThat(Hmac.SHA256.verify(key, data, Hmac.SHA256.mac(key, data))).isTrue();
    assertThat(Hmac.SHA256.verify(key, data, new byte[32])).isFalse();
  }

  @Test
  void aesGcmRoundTripsAndAnyChangeFailsTheSameWay() {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    random.nextBytes(key);
    byte[] aad = "tenant-7/key-3".getBytes();
    byte[] sealed = Aes256Gcm.encrypt(key, "patient 1234".getBytes(), aad, random);
    assertThat(sealed).hasSize(12 + 12 + 16);
    assertThat(Aes256Gcm.decrypt(key, sealed, aad)).isEqualTo("patient 1234".getBytes());
    assertThat(Aes256Gcm.encrypt(key, "patient 1234".getBytes(), aad, random)).isNotEqualTo(sealed);

    for (int i = 0; i < sealed.length; i++) {
      byte[] changed = sealed.clone();
      changed[i] ^= 0x40;
      assertThatThrownBy(() -> Aes256Gcm.decrypt(key, changed, aad))
          .isInstanceOf(DecryptionFailedException.class)
          .hasMessage("decryption failed");
    }
    assertThatThrownBy(() -> Aes256Gcm.decrypt(key, sealed, "other".getBytes()))
        .isInstanceOf(DecryptionFailedException.class);
    assertThatThrownBy(() -> Aes256Gcm.decrypt(key, new byte[5], aad))
        .isInstanceOf(DecryptionFailedException.class);
    assertThatThrownBy(() -> Aes256Gcm.encrypt(new byte[16], new byte[1], aad, random))
        .isInstanceOf(InvalidKeyException.class);
  }
}
