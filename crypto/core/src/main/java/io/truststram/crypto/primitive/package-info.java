/**
 * Cryptographic primitives behind one API of raw byte encodings: key encapsulation (ML-KEM,
 * X-Wing), signatures (ML-DSA, SLH-DSA, Falcon, composites, Ed25519, ECDSA), AES-256-GCM, HMAC and
 * HKDF. Algorithms have their FIPS names ({@link io.truststram.crypto.primitive.Algorithm}); where
 * both the JDK and Bouncy Castle implement one, both are here and {@link
 * io.truststram.crypto.primitive.Primitives} picks the faster.
 */
@NullMarked
package io.truststram.crypto.primitive;

import org.jspecify.annotations.NullMarked;
