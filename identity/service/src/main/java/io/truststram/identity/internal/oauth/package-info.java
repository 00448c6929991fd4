/** The OAuth 2.0 / OpenID Connect provider: signing keys, token claims, revocation. */
@NullMarked
package io.truststram.identity.internal.oauth;

import org.jspecify.annotations.NullMarked;
