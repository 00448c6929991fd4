/**
 * Secret sharing and mask expansion for secure aggregation: Shamir's scheme over a prime field
 * large enough for 64-byte secrets, and a seeded pseudorandom generator of 32-bit masks.
 */
@NullMarked
package io.truststram.crypto.sharing;

import org.jspecify.annotations.NullMarked;
