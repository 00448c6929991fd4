package io.truststram.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CryptoPolicyTest {

  @Test
  void eachPolicyAllowsItsKeyTypes() {
    KeyType aes = KeyType.of("AES-256-GCM");
    KeyType mlKem = KeyType.of("Kyber768");
    KeyType xWing = KeyType.of("X-Wing");
    KeyType composite = KeyType.of("ML-DSA-65+Ed25519");
    KeyType ed25519 = KeyType.of("Ed25519");
    assertThat(mlKem.name()).isEqualTo("ML-KEM-768");

    assertThat(CryptoPolicy.CLASSICAL.allows(ed25519)).isTrue();
    assertThat(CryptoPolicy.HYBRID.allows(ed25519)).isFalse();
    assertThat(CryptoPolicy.HYBRID.allows(composite)).isTrue();
    assertThat(CryptoPolicy.HYBRID.allows(xWing)).isTrue();
    assertThat(CryptoPolicy.PQ_ONLY.allows(xWing)).isFalse();
    assertThat(CryptoPolicy.PQ_ONLY.allows(composite)).isFalse();
    assertThat(CryptoPolicy.PQ_ONLY.allows(mlKem)).isTrue();
    assertThat(CryptoPolicy.PQ_ONLY.allows(aes)).isTrue();

    assertThat(CryptoPolicy.parse("pq-only")).isEqualTo(CryptoPolicy.PQ_ONLY);
    assertThat(CryptoPolicy.PQ_ONLY.value()).isEqualTo("pq-only");
    assertThatThrownBy(() -> CryptoPolicy.parse("quantum"))
        .hasMessageContaining("known: classical, hybrid, pq-only");
  }
}
