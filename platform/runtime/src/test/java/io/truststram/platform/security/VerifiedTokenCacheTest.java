package io.truststram.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class VerifiedTokenCacheTest {

  private final AtomicInteger signatureChecks = new AtomicInteger();
  private final AtomicBoolean revoked = new AtomicBoolean();

  private final VerifiedTokenCache decoder =
      new VerifiedTokenCache(
          token -> {
            signatureChecks.incrementAndGet();
            if (token.startsWith("forged")) {
              throw new BadJwtException("bad signature");
            }
            return Jwt.withTokenValue(token)
                .header("alg", "ES256")
                .subject("s")
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60))
                .build();
          },
          jwt ->
              revoked.get()
                  ? OAuth2TokenValidatorResult.failure(
                      new OAuth2Error("invalid_token", "revoked", null))
                  : OAuth2TokenValidatorResult.success());

  @Test
  void verifiesASignatureOnceButChecksTheClaimsEveryTime() {
    assertThat(decoder.decode("token-1").getSubject()).isEqualTo("s");
    assertThat(decoder.decode("token-1").getSubject()).isEqualTo("s");
    assertThat(signatureChecks).hasValue(1);
    revoked.set(true);
    assertThatThrownBy(() -> decoder.decode("token-1"))
        .isInstanceOf(JwtValidationException.class)
        .hasMessage("revoked");
  }

  @Test
  void aTokenThatFailsItsSignatureIsNeverCachedAndOneByteDiffersMeansANewCheck() {
    assertThatThrownBy(() -> decoder.decode("forged-1")).isInstanceOf(BadJwtException.class);
    assertThatThrownBy(() -> decoder.decode("forged-1")).isInstanceOf(BadJwtException.class);
    assertThat(signatureChecks).hasValue(2);
    decoder.decode("token-2");
    decoder.decode("token-3");
    assertThat(signatureChecks).hasValue(4);
  }

  @Test
  void refusesOversizedTokensWithoutDecodingThem() {
    assertThatThrownBy(() -> decoder.decode("x".repeat(20_000)))
        .isInstanceOf(BadJwtException.class);
    assertThat(signatureChecks).hasValue(0);
  }
}
