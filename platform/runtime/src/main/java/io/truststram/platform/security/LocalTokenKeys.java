package io.truststram.platform.security;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * The token signing keys of the identity service when it runs in this process. When a bean of this
 * type exists, access tokens are verified against these keys directly; otherwise against the
 * issuer's published JWKS.
 */
public interface LocalTokenKeys {

  /** The public keys that verify access tokens, current and still-valid older ones. */
  JWKSource<SecurityContext> verificationKeys();
}
