package io.truststram.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Verifies each token's signature once per process, not once per request. A client sends the same
 * access token for its whole lifetime, and the signature check (ES256: about a millisecond in Java)
 * would otherwise be the most expensive step of every API call. Keyed by the whole token, so a
 * token that differs in any byte is verified anew; the claim checks (lifetime, issuer, audience,
 * tenant, revocation) still run on every request.
 */
final class VerifiedTokenCache implements JwtDecoder {

  private final JwtDecoder signatureOnly;
  private final OAuth2TokenValidator<Jwt> validator;
  private final Cache<String, Jwt> verified;

  /**
   * @param signatureOnly decodes and verifies the signature, validating no claims
   * @param validator the claim checks, run on every call
   */
  VerifiedTokenCache(JwtDecoder signatureOnly, OAuth2TokenValidator<Jwt> validator) {
    this.signatureOnly = signatureOnly;
    this.validator = validator;
    this.verified =
        Caffeine.newBuilder().maximumSize(20_000).expireAfterWrite(Duration.ofMinutes(5)).build();
  }

  @Override
  public Jwt decode(String token) {
    if (token.length() > 16_384) {
      throw new BadJwtException("the token is too long");
    }
    Jwt jwt = verified.get(token, signatureOnly::decode);
    OAuth2TokenValidatorResult result = validator.validate(jwt);
    if (result.hasErrors()) {
      String description =
          result.getErrors().stream()
              .map(e -> e.getDescription() == null ? e.getErrorCode() : e.getDescription())
              .findFirst()
              .orElse("invalid token");
      throw new JwtValidationException(description, result.getErrors());
    }
    return jwt;
  }
}
