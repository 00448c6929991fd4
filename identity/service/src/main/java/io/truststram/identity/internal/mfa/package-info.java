/** Second factors: TOTP (RFC 6238) and recovery codes. */
@NullMarked
package io.truststram.identity.internal.mfa;

import org.jspecify.annotations.NullMarked;
