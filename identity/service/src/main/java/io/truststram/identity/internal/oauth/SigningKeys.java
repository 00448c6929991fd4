package io.truststram.identity.internal.oauth;

import com.nimbusds.jose.JWSAlgorithm;
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
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
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
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The token signing keys: RSA 2048 (RS256, the algorithm every OpenID Connect relying party must
 * support), kept in the database with the private key wrapped by the {@link KeyEncryptionKey}.
 *
 * <p>The newest activated key signs. When it is older than the rotation period a new key is
 * generated and the old one stops signing but stays published in the JWKS until every token it
 * signed has expired. Every instance reloads the keys periodically and whenever a token names a key
 * id it does not know, so a key created by another instance verifies at once.
 */
public final class SigningKeys implements LocalTokenKeys {

  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  private static final String WRAP_PURPOSE = "identity_signing_key:";
  private static final Duration RELOAD_EVERY = Duration.ofSeconds(60);
  private static final Duration MIN_RELOAD_GAP = Duration.ofSeconds(1);

  private final JdbcClient jdbc;
  private final KeyEncryptionKey kek;
  private final Clock clock;
  private final Duration rotation;
  private final Duration publishAfterRetirement;

  private volatile Snapshot snapshot = new Snapshot(List.of(), null, Instant.EPOCH);

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
   * Rotates now, whatever the current key's age: for a suspected key compromise or a planned
   * change. The previous key stays published until its tokens have expired.
   *
   * @return the id of the new signing key
   */
  public synchronized String rotateNow() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Snapshot current = load(now);
    String retiring = current.active == null ? null : current.active.getKeyID();
    insertNewKey(now);
    if (retiring != null) {
      retire(retiring, now);
    }
    snapshot = load(now);
    log.info("Token signing key rotated on request; the previous key {} stays published", retiring);
    return activeKeyId();
  }

  private void retire(String kid, Instant now) {
    jdbc.sql("UPDATE identity_signing_key SET publish_until = ? WHERE kid = ?")
        .param(Timestamp.from(now.plus(publishAfterRetirement)))
        .param(kid)
        .update();
  }

  /** Makes sure a current key exists, rotating when the current one is due; then reloads. */
  public synchronized void rotateIfDue() {
    // Millisecond precision: what every database keeps, so a key read back is not "in the future".
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Snapshot current = load(now);
    if (current.active == null || !current.activatedAt(now).plus(rotation).isAfter(now)) {
      String retiring = current.active == null ? null : current.active.getKeyID();
      insertNewKey(now);
      if (retiring != null) {
        retire(retiring, now);
      }
      log.info("Token signing key rotated; the previous key {} stays published", retiring);
    }
    jdbc.sql("DELETE FROM identity_signing_key WHERE publish_until < ?")
        .param(Timestamp.from(now))
        .update();
    snapshot = load(now);
  }

  /** The id of the key that signs now. */
  public String activeKeyId() {
    RSAKey active = fresh().active;
    if (active == null) {
      throw new IllegalStateException("no token signing key: rotateIfDue() has not run");
    }
    return active.getKeyID();
  }

  /**
   * Keys for Spring Authorization Server's encoder and JWKS endpoint: the active key with its
   * private part, older published keys public only.
   */
  public JWKSource<SecurityContext> signingSource() {
    return (selector, context) -> selector.select(new JWKSet(fresh().keys()));
  }

  @Override
  public JWKSource<SecurityContext> verificationKeys() {
    return (selector, context) -> {
      Snapshot keys = fresh();
      if (wantsUnknownKey(selector, keys)
          && Duration.between(keys.loadedAt, clock.instant()).compareTo(MIN_RELOAD_GAP) > 0) {
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
    if (Duration.between(keys.loadedAt, clock.instant()).compareTo(RELOAD_EVERY) > 0) {
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
                "SELECT kid, public_key, private_key, activated_at FROM identity_signing_key"
                    + " WHERE publish_until IS NULL OR publish_until >= ?"
                    + " ORDER BY activated_at DESC, kid DESC")
            .param(Timestamp.from(now))
            .query(
                (rs, n) ->
                    new Row(
                        rs.getString("kid"),
                        rs.getString("public_key"),
                        rs.getString("private_key"),
                        rs.getObject("activated_at", OffsetDateTime.class).toInstant()))
            .list();
    List<JWK> keys = new ArrayList<>();
    RSAKey active = null;
    Instant activatedAt = null;
    for (Row row : rows) {
      boolean first = active == null && !row.activatedAt.isAfter(now);
      RSAKey key = toJwk(row, first);
      if (first) {
        active = key;
        activatedAt = row.activatedAt;
      }
      keys.add(key);
    }
    return new Snapshot(List.copyOf(keys), active, now, activatedAt);
  }

  private RSAKey toJwk(Row row, boolean withPrivate) {
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      RSAPublicKey publicKey =
          (RSAPublicKey)
              rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(row.publicKey)));
      RSAKey.Builder builder =
          new RSAKey.Builder(publicKey)
              .keyID(row.kid)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256);
      if (withPrivate) {
        byte[] pkcs8 = kek.unwrap(row.privateKey, WRAP_PURPOSE + row.kid);
        // As a CRT key, explicitly, so that signing keeps the CRT parameters.
        builder.privateKey((RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
        java.util.Arrays.fill(pkcs8, (byte) 0);
      }
      return builder.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored signing key " + row.kid + " is unreadable", e);
    }
  }

  private void insertNewKey(Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      String kid = Uuids.v7().toString();
      byte[] pkcs8 = pair.getPrivate().getEncoded();
      jdbc.sql(
              "INSERT INTO identity_signing_key (kid, algorithm, public_key, private_key,"
                  + " activated_at) VALUES (?, 'RS256', ?, ?, ?)")
          .param(kid)
          .param(Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()))
          .param(kek.wrap(pkcs8, WRAP_PURPOSE + kid))
          .param(Timestamp.from(now))
          .update();
      java.util.Arrays.fill(pkcs8, (byte) 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is not available", e);
    }
  }

  private record Row(String kid, String publicKey, String privateKey, Instant activatedAt) {}

  private record Snapshot(
      List<JWK> keys, @Nullable RSAKey active, Instant loadedAt, @Nullable Instant activated) {
    Snapshot(List<JWK> keys, @Nullable RSAKey active, Instant loadedAt) {
      this(keys, active, loadedAt, null);
    }

    Instant activatedAt(Instant fallback) {
      return activated == null ? fallback : activated;
    }
  }
}
