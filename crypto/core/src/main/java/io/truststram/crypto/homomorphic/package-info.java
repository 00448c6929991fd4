/**
 * Additively homomorphic encryption: Paillier's scheme, with decryption by one key holder or by a
 * committee (threshold decryption), for aggregating encrypted model updates. No maintained JVM
 * library of CKKS exists in Maven Central (docs/adr/0010-secure-aggregation.md).
 */
@NullMarked
package io.truststram.crypto.homomorphic;

import org.jspecify.annotations.NullMarked;
