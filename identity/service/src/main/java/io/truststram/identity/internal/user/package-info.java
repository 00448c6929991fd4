/** Users: store, password policy, password sign-in with lock-out. */
@NullMarked
package io.truststram.identity.internal.user;

import org.jspecify.annotations.NullMarked;
