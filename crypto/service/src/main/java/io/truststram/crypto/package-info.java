/**
 * Crypto: the key manager. Named keys per tenant, post-quantum first, with versions, rotation and a
 * crypto policy; key material at rest is always wrapped by a key-encryption key; data operations
 * (encrypt, decrypt, rewrap, datakey, sign, verify, encapsulate, decapsulate, seal, open, hmac,
 * random) in the manner of HashiCorp Vault's transit engine. The primitives are {@code
 * crypto/core}'s.
 *
 * <p>API: {@link io.truststram.crypto.KeyCreated}, {@link io.truststram.crypto.KeyRotated}, {@link
 * io.truststram.crypto.KeyDestroyed}, {@link io.truststram.crypto.KeyUsed}, {@link
 * io.truststram.crypto.KeyAttested}, {@link io.truststram.crypto.KeyAttestationWithdrawn} (events),
 * {@link io.truststram.crypto.PlatformKeys} (the platform's own keys, for other services), {@link
 * io.truststram.crypto.CryptoProblems}. REST: {@code /api/v1/crypto}.
 */
@NullMarked
@ApplicationModule(displayName = "Crypto")
package io.truststram.crypto;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
