package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.TrustStram;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.TestTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Base64;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Our tokens verify with an independent JOSE library (jose4j) configured only from OpenID Connect
 * discovery: the issuer and the JWKS it advertises, fetched over HTTP. Also across a signing-key
 * rotation: tokens signed before it still verify, tokens after it carry the new key id.
 */
@SpringBootTest(
    classes = TrustStram.class,
    webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
class OidcInteroperabilityIntegrationTest {

  private static final int PORT = freePort();
  private static final String ISSUER = "http://localhost:" + PORT;

  @DynamicPropertySource
  static void port(DynamicPropertyRegistry registry) {
    registry.add("server.port", () -> PORT);
    registry.add("truststram.security.issuer", () -> ISSUER);
  }

  @Autowired ApplicationContext context;

  private JsonNode discovery;
  private JwtConsumer consumer;

  @BeforeEach
  void fromDiscovery() {
    discovery = new HttpTestClient(ISSUER).get("/.well-known/openid-configuration").json();
    HttpsJwks jwks = new HttpsJwks(discovery.path("jwks_uri").asString());
    jwks.setDefaultCacheDuration(0);
    consumer =
        new JwtConsumerBuilder()
            .setExpectedIssuer(discovery.path("issuer").asString())
            .setExpectedAudience("truststram")
            .setRequireExpirationTime()
            .setRequireSubject()
            .setRequireJwtId()
            .setAllowedClockSkewInSeconds(30)
            .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks))
            .build();
  }

  @Test
  void discoveryAdvertisesTheEndpointsAndRs256() {
    assertThat(discovery.path("issuer").asString()).isEqualTo(ISSUER);
    assertThat(discovery.path("token_endpoint").asString()).isEqualTo(ISSUER + "/oauth2/token");
    assertThat(discovery.path("introspection_endpoint").asString()).endsWith("/oauth2/introspect");
    assertThat(discovery.path("revocation_endpoint").asString()).endsWith("/oauth2/revoke");
    assertThat(discovery.path("id_token_signing_alg_values_supported").toString())
        .contains("RS256");
    assertThat(discovery.path("code_challenge_methods_supported").toString()).contains("S256");
  }

  @Test
  void aClientCredentialsTokenVerifiesWithJose4jAndCarriesTheTenant() throws Exception {
    var client =
        TestTokens.client(
            context,
            TestTokens.systemTenant(context),
            io.truststram.platform.security.Role.FEDERATION_PARTICIPANT);
    JwtClaims claims = consumer.processToClaims(TestTokens.token(PORT, client));
    assertThat(claims.getSubject()).isEqualTo(client.clientId());
    assertThat(claims.getStringClaimValue("tenant")).isEqualTo(client.tenant().toString());
    assertThat(claims.getStringListClaimValue("roles")).containsExactly("federation-participant");
  }

  @Test
  void accessTokensAreEs256AndTheJwksPublishesBothKeyTypes() {
    var client =
        TestTokens.client(
            context, TestTokens.systemTenant(context), io.truststram.platform.security.Role.VIEWER);
    String header =
        new String(Base64.getUrlDecoder().decode(TestTokens.token(PORT, client).split("\\.")[0]));
    assertThat(header).contains("\"alg\":\"ES256\"");
    var keys = new HttpTestClient(ISSUER).get("/oauth2/jwks").json().path("keys");
    java.util.Set<String> types = new java.util.HashSet<>();
    keys.forEach(k -> types.add(k.path("kty").asString() + "/" + k.path("alg").asString()));
    assertThat(types).contains("RSA/RS256", "EC/ES256");
    keys.forEach(k -> assertThat(k.has("d")).as("no private part published").isFalse());
  }

  @Test
  void aTamperedTokenFailsJose4jToo() {
    var client =
        TestTokens.client(
            context, TestTokens.systemTenant(context), io.truststram.platform.security.Role.VIEWER);
    String[] parts = TestTokens.token(PORT, client).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.replace("viewer", "platform-admin").getBytes())
            + "."
            + parts[2];
    assertThatThrownBy(() -> consumer.processToClaims(forged))
        .isInstanceOf(InvalidJwtException.class);
  }

  @Test
  void tokensSignedBeforeARotationStillVerifyAndNewOnesUseTheNewKey() throws Exception {
    var client =
        TestTokens.client(
            context, TestTokens.systemTenant(context), io.truststram.platform.security.Role.VIEWER);
    String before = TestTokens.token(PORT, client);
    String admin = TestTokens.platformAdmin(context, PORT);
    var rotated =
        new HttpTestClient(ISSUER)
            .withToken(admin)
            .post("/api/v1/identity/signing-keys/rotate", "application/json", "");
    assertThat(rotated.status()).isEqualTo(200);
    String newKid = rotated.json().path("activeKeyId").asString();
    String after = TestTokens.token(PORT, client);

    assertThat(kid(before)).isNotEqualTo(newKid);
    assertThat(kid(after)).isEqualTo(newKid);
    assertThat(consumer.processToClaims(before).getSubject()).isEqualTo(client.clientId());
    assertThat(consumer.processToClaims(after).getSubject()).isEqualTo(client.clientId());
    var http = new HttpTestClient(ISSUER);
    assertThat(http.withToken(before).get("/api/v1/identity/me").status()).isEqualTo(200);
    assertThat(http.withToken(after).get("/api/v1/identity/me").status()).isEqualTo(200);
    assertThat(http.get("/oauth2/jwks").json().path("keys").size()).isGreaterThanOrEqualTo(2);
  }

  private static String kid(String jwt) {
    String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
    return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
