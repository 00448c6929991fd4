package io.truststram.identity.internal.oauth;

import io.truststram.platform.security.RevokedTokens;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Spring Authorization Server's authorization store, extended so that an access token it marks
 * invalid (revocation, or revocation of its refresh token) is also put on the {@link RevokedTokens}
 * list that every resource server checks: a revoked JWT stops working at once, not when it expires.
 */
final class RevocationAwareAuthorizationService implements OAuth2AuthorizationService {

  private final OAuth2AuthorizationService delegate;
  private final RevokedTokens revoked;

  RevocationAwareAuthorizationService(OAuth2AuthorizationService delegate, RevokedTokens revoked) {
    this.delegate = delegate;
    this.revoked = revoked;
  }

  @Override
  public void save(OAuth2Authorization authorization) {
    delegate.save(authorization);
    OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
    if (access != null && access.isInvalidated()) {
      revoke(access);
    }
  }

  @Override
  public void remove(OAuth2Authorization authorization) {
    OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
    if (access != null) {
      revoke(access);
    }
    delegate.remove(authorization);
  }

  private void revoke(OAuth2Authorization.Token<OAuth2AccessToken> access) {
    Object jti = access.getClaims() == null ? null : access.getClaims().get("jti");
    Instant expiresAt = access.getToken().getExpiresAt();
    if (jti != null && expiresAt != null) {
      revoked.revoke(jti.toString(), expiresAt);
    }
  }

  @Override
  public @Nullable OAuth2Authorization findById(String id) {
    return delegate.findById(id);
  }

  @Override
  public @Nullable OAuth2Authorization findByToken(
      String token, @Nullable OAuth2TokenType tokenType) {
    return delegate.findByToken(token, tokenType);
  }
}
