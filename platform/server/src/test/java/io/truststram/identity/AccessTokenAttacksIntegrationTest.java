package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.truststram.identity.internal.oauth.SigningKeys;
import io.truststram.platform.security.SecurityProperties;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a bearer token can be wrong gets 401 with a problem document and a Bearer challenge,
 * never a 500 and never the resource. Tokens are minted here with the server's own signing key, so
 * each one differs from a valid token in exactly the property under test; a control token minted
 * the same way is accepted, which proves the minting is right.
 */
class AccessTokenAttacksIntegrationTest extends ServerIntegrationTest {

  private HttpTestClient anonymous;
  private RSAKey signingKey;
  private String issuer;
  private String tenant;

  @BeforeEach
  void keys() throws Exception {
    anonymous = http.anonymous();
    SigningKeys keys = context.getBean(SigningKeys.class);
    String kid = keys.activeKeyId();
    signingKey =
        (RSAKey)
            new JWKSelector(new JWKMatcher.Builder().keyID(kid).privateOnly(true).build())
                .select(
                    new com.nimbusds.jose.jwk.JWKSet(
                        keys.signingSource()
                            .get(new JWKSelector(new JWKMatcher.Builder().build()), null)))
                .getFirst();
    issuer = context.getBean(SecurityProperties.class).issuerId();
    tenant = TestTokens.systemTenant(context).toString();
  }

  private JWTClaimsSet.Builder validClaims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject("attacker")
        .audience("truststram")
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .claim("tenant", tenant)
        .claim("roles", List.of("platform-admin"));
  }

  private String sign(JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(signingKey));
    return jwt.serialize();
  }

  private String mint(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    return sign(change.apply(validClaims()).build());
  }

  private void assertRejected(String token) {
    var response = anonymous.withToken(token).get("/api/v1/tenants");
    assertThat(response.status()).as(response.body()).isEqualTo(401);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.header("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(response.json().path("type").asString()).isEqualTo(TYPES + "unauthorized");
  }

  @Test
  void aTokenMintedWithTheServersKeyAndValidClaimsIsAccepted() throws Exception {
    assertThat(anonymous.withToken(mint(c -> c)).get("/api/v1/tenants").status()).isEqualTo(200);
  }

  @Test
  void noTokenIsAskedFor() {
    var response = anonymous.get("/api/v1/tenants");
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().path("detail").asString()).contains("requires an access token");
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9..", "Bearer x"})
  void malformedTokensAreRejected(String token) {
    assertRejected(token);
  }

  @Test
  void expiredTokensAreRejected() throws Exception {
    Instant past = Instant.now().minusSeconds(3600);
    assertRejected(
        mint(
            c ->
                c.issueTime(Date.from(past))
                    .notBeforeTime(Date.from(past))
                    .expirationTime(Date.from(past.plusSeconds(60)))));
  }

  @Test
  void notYetValidTokensAreRejected() throws Exception {
    Instant future = Instant.now().plusSeconds(3600);
    assertRejected(mint(c -> c.notBeforeTime(Date.from(future))));
  }

  @Test
  void tokensWithoutExpiryAreRejected() throws Exception {
    assertRejected(mint(c -> c.expirationTime(null)));
  }

  @Test
  void tokensForAnotherAudienceAreRejected() throws Exception {
    assertRejected(mint(c -> c.audience("someone-else")));
  }

  @Test
  void tokensFromAnotherIssuerAreRejected() throws Exception {
    assertRejected(mint(c -> c.issuer("https://evil.example")));
  }

  @Test
  void tokensWithoutAValidTenantAreRejected() throws Exception {
    assertRejected(mint(c -> c.claim("tenant", null)));
    assertRejected(mint(c -> c.claim("tenant", "not-a-uuid")));
  }

  @Test
  void unsignedTokensAreRejected() throws Exception {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String payload = b64(validClaims().build().toString());
    assertRejected(header + "." + payload + ".");
  }

  @Test
  void hmacTokensKeyedWithThePublicKeyAreRejected() throws Exception {
    // The classic confusion: a verifier that takes "alg" from the token would check an HS256 MAC
    // keyed with the RSA public key, which everyone can fetch from the JWKS.
    byte[] publicKey = signingKey.toRSAPublicKey().getEncoded();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            validClaims().build());
    jwt.sign(new MACSigner(publicKey));
    assertRejected(jwt.serialize());
  }

  @Test
  void tokensSignedByAnotherKeyAreRejected() throws Exception {
    var generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    var pair = generator.generateKeyPair();
    RSAKey foreign =
        new RSAKey.Builder((java.security.interfaces.RSAPublicKey) pair.getPublic())
            .privateKey(pair.getPrivate())
            .keyID(signingKey.getKeyID())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(),
            validClaims().build());
    jwt.sign(new RSASSASigner(foreign));
    assertRejected(jwt.serialize());
  }

  @Test
  void tamperedTokensAreRejected() throws Exception {
    String token = TestTokens.token(port, viewerClient());
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String elevated = payload.replace("\"viewer\"", "\"platform-admin\"");
    assertThat(elevated).isNotEqualTo(payload);
    assertRejected(parts[0] + "." + b64(elevated) + "." + parts[2]);
    assertThat(anonymous.withToken(token).get("/api/v1/tenants").status()).isEqualTo(200);
  }

  @Test
  void revokedTokensStopWorkingAtOnce() {
    var client = viewerClient();
    String token = TestTokens.token(port, client);
    assertThat(anonymous.withToken(token).get("/api/v1/tenants").status()).isEqualTo(200);
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (client.clientId() + ":" + client.secret()).getBytes(StandardCharsets.UTF_8));
    var revoke =
        anonymous.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/revoke"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + token)));
    assertThat(revoke.status()).isEqualTo(200);
    assertRejected(token);
  }

  @Test
  void aTokenWithoutThePermissionIsForbiddenNotUnauthorised() {
    String viewer = TestTokens.token(port, viewerClient());
    var response =
        anonymous
            .withToken(viewer)
            .postJson("/api/v1/tenants", "{\"slug\":\"nope\",\"name\":\"No\"}");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().path("type").asString()).isEqualTo(TYPES + "forbidden");
  }

  private TestTokens.TestClient viewerClient() {
    return TestTokens.client(
        context, TestTokens.systemTenant(context), io.truststram.platform.security.Role.VIEWER);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
