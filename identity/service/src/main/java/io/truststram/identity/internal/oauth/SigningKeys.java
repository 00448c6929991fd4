package io.truststram.identity.internal.oauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.truststram.common.id.Uuids;
import io.truststram.platform.security.LocalTokenKeys;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The token signing keys, kept in the database with the private key wrapped by the {@link
 * KeyEncryptionKey}. Each generation has two: RSA 2048 (RS256) for ID tokens, the algorithm every
 * OpenID Connect relying party must support, and EC P-256 (ES256) for access tokens, several times
 * cheaper to sign, which is what bounds the token endpoint (bench/results/gateway.md).
 *
 * <p>The newest activated key of each algorithm signs. When it is older than the rotation period a
 * new key is generated and the old one stops signing but stays published in the JWKS until every
 * token it signed has expired. Every instance reloads the keys periodically and whenever a token
 * names a key id it does not know, so a key created by another instance verifies at once.
 */
public final class SigningKeys implements LocalTokenKeys {

  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  private static final String WRAP_PURPOSE = "identity_signing_key:";
  private static final Duration RELOAD_EVERY = Duration.ofSeconds(60);
  private static final Duration MIN_RELOAD_GAP = Duration.ofSeconds(1);

  /** The algorithms of a generation: ID tokens, access tokens. */
  static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  private final JdbcClient jdbc;
  private final KeyEncryptionKey kek;
  private final Clock clock;
  private final Duration rotation;
  private final Duration publishAfterRetirement;

  private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), Instant.EPOCH, null);

  /**
   * @param publishAfterRetirement how long a retired key stays published: at least the longest
   *     lifetime of a token it can have signed
   */
  public SigningKeys(
      JdbcClient jdbc,
      KeyEncryptionKey kek,
      Clock clock,
      Duration rotation,
      Duration publishAfterRetirement) {
    this.jdbc = jdbc;
    this.kek = kek;
    this.clock = clock;
    this.rotation = rotation;
    this.publishAfterRetirement = publishAfterRetirement;
  }

  /**
   * Rotates now, whatever the current keys' age: for a suspected key compromise or a planned
   * change. The previous keys stay published until their tokens have expired.
   *
   * @return the id of the new access-token signing key
   */
  public synchronized String rotateNow() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    rotate(load(now), now);
    snapshot = load(now);
    log.info("Token signing keys rotated on request");
    return accessTokenKeyId();
  }

  /** Makes sure current keys exist, rotating when they are due; then reloads. */
  public synchronized void rotateIfDue() {
    // Millisecond precision: what every database keeps, so a key read back is not "in the future".
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Snapshot current = load(now);
    boolean missing = ALGORITHMS.stream().anyMatch(a -> !current.active().containsKey(a));
    if (missing || !current.activatedAt(now).plus(rotation).isAfter(now)) {
      rotate(current, now);
      log.info("Token signing keys rotated; the previous ones stay published");
    }
    jdbc.sql("DELETE FROM identity_signing_key WHERE publish_until < ?")
        .param(Timestamp.from(now))
        .update();
    snapshot = load(now);
  }

  private void rotate(Snapshot current, Instant now) {
    for (JWSAlgorithm algorithm : ALGORITHMS) {
      insertNewKey(algorithm, now);
      JWK retiring = current.active().get(algorithm);
      if (retiring != null) {
        jdbc.sql("UPDATE identity_signing_key SET publish_until = ? WHERE kid = ?")
            .param(Timestamp.from(now.plus(publishAfterRetirement)))
            .param(retiring.getKeyID())
            .update();
      }
    }
  }

  /** The id of the key that signs ID tokens now (RS256). */
  public String activeKeyId() {
    return activeKey(JWSAlgorithm.RS256).getKeyID();
  }

  /** The id of the key that signs access tokens now (ES256). */
  public String accessTokenKeyId() {
    return activeKey(JWSAlgorithm.ES256).getKeyID();
  }

  private JWK activeKey(JWSAlgorithm algorithm) {
    JWK active = fresh().active().get(algorithm);
    if (active == null) {
      throw new IllegalStateException(
          "no " + algorithm + " signing key: rotateIfDue() has not run");
    }
    return active;
  }

  /**
   * Keys for Spring Authorization Server's encoder and JWKS endpoint: the active keys with their
   * private parts, older published keys public only.
   */
  public JWKSource<SecurityContext> signingSource() {
    return (selector, context) -> selector.select(new JWKSet(fresh().keys()));
  }

  @Override
  public JWKSource<SecurityContext> verificationKeys() {
    return (selector, context) -> {
      Snapshot keys = fresh();
      if (wantsUnknownKey(selector, keys)
          && Duration.between(keys.loadedAt(), clock.instant()).compareTo(MIN_RELOAD_GAP) > 0) {
        keys = reload();
      }
      return selector.select(new JWKSet(keys.keys()).toPublicJWKSet());
    };
  }

  private static boolean wantsUnknownKey(JWKSelector selector, Snapshot keys) {
    JWKMatcher matcher = selector.getMatcher();
    if (matcher.getKeyIDs() == null || matcher.getKeyIDs().isEmpty()) {
      return false;
    }
    return keys.keys().stream().noneMatch(k -> matcher.getKeyIDs().contains(k.getKeyID()));
  }

  private Snapshot fresh() {
    Snapshot keys = snapshot;
    if (Duration.between(keys.loadedAt(), clock.instant()).compareTo(RELOAD_EVERY) > 0) {
      keys = reload();
    }
    return keys;
  }

  private synchronized Snapshot reload() {
    snapshot = load(clock.instant());
    return snapshot;
  }

  private Snapshot load(Instant now) {
    List<Row> rows =
        jdbc.sql(
                "SELECT kid, algorithm, public_key, private_key, activated_at"
                    + " FROM identity_signing_key WHERE publish_until IS NULL OR publish_until >= ?"
                    + " ORDER BY activated_at DESC, kid DESC")
            .param(Timestamp.from(now))
            .query(
                (rs, n) ->
                    new Row(
                        rs.getString("kid"),
                        JWSAlgorithm.parse(rs.getString("algorithm")),
                        rs.getString("public_key"),
                        rs.getString("private_key"),
                        rs.getObject("activated_at", OffsetDateTime.class).toInstant()))
            .list();
    List<JWK> keys = new ArrayList<>();
    Map<JWSAlgorithm, JWK> active = new HashMap<>();
    Instant activatedAt = null;
    for (Row row : rows) {
      boolean first = !active.containsKey(row.algorithm) && !row.activatedAt.isAfter(now);
      JWK key = toJwk(row, first);
      if (first) {
        active.put(row.algorithm, key);
        if (activatedAt == null || row.activatedAt.isBefore(activatedAt)) {
          activatedAt = row.activatedAt;
        }
      }
      keys.add(key);
    }
    return new Snapshot(List.copyOf(keys), Map.copyOf(active), now, activatedAt);
  }

  private JWK toJwk(Row row, boolean withPrivate) {
    try {
      byte[] x509 = Base64.getDecoder().decode(row.publicKey);
      byte[] pkcs8 = withPrivate ? kek.unwrap(row.privateKey, WRAP_PURPOSE + row.kid) : null;
      try {
        if (JWSAlgorithm.ES256.equals(row.algorithm)) {
          KeyFactory ec = KeyFactory.getInstance("EC");
          ECKey.Builder builder =
              new ECKey.Builder(
                      Curve.P_256, (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(x509)))
                  .keyID(row.kid)
                  .keyUse(KeyUse.SIGNATURE)
                  .algorithm(JWSAlgorithm.ES256);
          if (pkcs8 != null) {
            builder.privateKey((ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
          }
          return builder.build();
        }
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAKey.Builder builder =
            new RSAKey.Builder((RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(x509)))
                .keyID(row.kid)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256);
        if (pkcs8 != null) {
          // As a CRT key, explicitly, so that signing keeps the CRT parameters.
          builder.privateKey(
              (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
        }
        return builder.build();
      } finally {
        if (pkcs8 != null) {
          java.util.Arrays.fill(pkcs8, (byte) 0);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored signing key " + row.kid + " is unreadable", e);
    }
  }

  private void insertNewKey(JWSAlgorithm algorithm, Instant now) {
    try {
      KeyPairGenerator generator;
      if (JWSAlgorithm.ES256.equals(algorithm)) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
      }
      KeyPair pair = generator.generateKeyPair();
      String kid = Uuids.v7().toString();
      byte[] pkcs8 = pair.getPrivate().getEncoded();
      jdbc.sql(
              "INSERT INTO identity_signing_key (kid, algorithm, public_key, private_key,"
                  + " activated_at) VALUES (?, ?, ?, ?, ?)")
          .param(kid)
          .param(algorithm.getName())
          .param(Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()))
          .param(kek.wrap(pkcs8, WRAP_PURPOSE + kid))
          .param(Timestamp.from(now))
          .update();
      java.util.Arrays.fill(pkcs8, (byte) 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " key generation is not available", e);
    }
  }

  private record Row(
      String kid,
      JWSAlgorithm algorithm,
      String publicKey,
      String privateKey,
      Instant activatedAt) {}

  private record Snapshot(
      List<JWK> keys,
      Map<JWSAlgorithm, JWK> active,
      Instant loadedAt,
      @Nullable Instant activated) {
    Instant activatedAt(Instant fallback) {
      return activated == null ? fallback : activated;
    }
  }
}
