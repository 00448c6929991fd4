/** Sealed boxes: public-key encryption to a KEM key (HPKE-style), usable without a server. */
@NullMarked
package io.truststram.crypto.seal;

import org.jspecify.annotations.NullMarked;
