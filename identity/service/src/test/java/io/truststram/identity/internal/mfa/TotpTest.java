package io.truststram.identity.internal.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {

  /** RFC 6238 appendix B's SHA-1 seed. */
  private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest(name = "T={0}")
  @CsvSource({
    "59, 94287082",
    "1111111109, 07081804",
    "1111111111, 14050471",
    "1234567890, 89005924",
    "2000000000, 69279037",
    "20000000000, 65353130"
  })
  void matchesTheRfc6238TestVectors(long seconds, String expected) {
    long step = Totp.step(Instant.ofEpochSecond(seconds));
    assertThat(Totp.code(RFC_SEED, step, "HmacSHA1", 8)).isEqualTo(expected);
    assertThat(Totp.code(RFC_SEED, step)).isEqualTo(expected.substring(2));
  }

  @Test
  void acceptsTheCurrentCodeAndOneStepOfDriftEitherWayButNoMore() {
    byte[] seed = Totp.newSecret();
    Instant now = Instant.ofEpochSecond(1_800_000_015L);
    long step = Totp.step(now);
    assertThat(Totp.matchingStep(seed, Totp.code(seed, step), now)).hasValue(step);
    assertThat(Totp.matchingStep(seed, Totp.code(seed, step - 1), now)).hasValue(step - 1);
    assertThat(Totp.matchingStep(seed, Totp.code(seed, step + 1), now)).hasValue(step + 1);
    assertThat(Totp.matchingStep(seed, Totp.code(seed, step - 2), now)).isEmpty();
    assertThat(Totp.matchingStep(seed, Totp.code(seed, step + 2), now)).isEmpty();
  }

  @Test
  void refusesMalformedCodes() {
    byte[] seed = Totp.newSecret();
    Instant now = Instant.now();
    assertThat(Totp.matchingStep(seed, "", now)).isEmpty();
    assertThat(Totp.matchingStep(seed, "12345", now)).isEmpty();
    assertThat(Totp.matchingStep(seed, "1234567", now)).isEmpty();
    assertThat(Totp.matchingStep(seed, "12a456", now)).isEmpty();
  }

  @Test
  void encodesBase32AsRfc4648WithoutPadding() {
    assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
    assertThat(Totp.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
    assertThat(Totp.base32(RFC_SEED)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  }

  @Test
  void buildsAnOtpauthUriAppsUnderstand() {
    String uri = Totp.otpauthUri("TrustStram (example.org)", "ada@example.org", RFC_SEED);
    assertThat(uri)
        .startsWith("otpauth://totp/TrustStram%20%28example.org%29:ada%40example.org?")
        .contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        .contains("issuer=TrustStram%20%28example.org%29")
        .contains("algorithm=SHA1&digits=6&period=30");
  }
}
