/** The key manager's storage, key-encryption key, operations and REST API. */
@NullMarked
package io.truststram.crypto.internal;

import org.jspecify.annotations.NullMarked;
