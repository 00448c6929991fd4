package io.truststram.platform.security;

import io.truststram.common.cache.CacheUnavailableException;
import io.truststram.common.tenant.TenantId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What TrustStram requires of an access token beyond a valid signature, issuer and lifetime: the
 * audience, an expiry, a token id, a subject, a well-formed tenant, and that it is not revoked.
 * Revocation that cannot be checked fails the token: an outage of the shared store must not let a
 * revoked token back in.
 */
final class AccessTokenValidator implements OAuth2TokenValidator<Jwt> {

  private final String audience;
  private final RevokedTokens revoked;

  AccessTokenValidator(String audience, RevokedTokens revoked) {
    this.audience = audience;
    this.revoked = revoked;
  }

  @Override
  public OAuth2TokenValidatorResult validate(Jwt token) {
    List<OAuth2Error> errors = new ArrayList<>();
    if (token.getAudience() == null || !token.getAudience().contains(audience)) {
      errors.add(invalid("the token is not meant for this audience"));
    }
    if (token.getExpiresAt() == null) {
      errors.add(invalid("the token has no expiry"));
    }
    if (token.getSubject() == null || token.getSubject().isBlank()) {
      errors.add(invalid("the token has no subject"));
    }
    if (!hasTenant(token)) {
      errors.add(invalid("the token names no valid tenant"));
    }
    String tokenId = token.getId();
    if (tokenId == null || tokenId.isBlank()) {
      errors.add(invalid("the token has no id"));
    } else if (errors.isEmpty()) {
      try {
        if (revoked.isRevoked(tokenId)) {
          errors.add(invalid("the token has been revoked"));
        }
      } catch (CacheUnavailableException e) {
        errors.add(invalid("the token's revocation status cannot be checked now"));
      }
    }
    return errors.isEmpty()
        ? OAuth2TokenValidatorResult.success()
        : OAuth2TokenValidatorResult.failure(errors);
  }

  private static boolean hasTenant(Jwt token) {
    Object tenant = token.getClaims().get(TokenClaims.TENANT);
    if (!(tenant instanceof String text)) {
      return false;
    }
    try {
      TenantId.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static OAuth2Error invalid(String description) {
    return new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null);
  }
}
