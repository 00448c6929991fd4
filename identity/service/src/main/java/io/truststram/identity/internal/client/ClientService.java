package io.truststram.identity.internal.client;

import io.truststram.common.id.Uuids;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.identity.IdentityProblems;
import io.truststram.identity.Tenants;
import io.truststram.identity.internal.Grants;
import io.truststram.identity.internal.user.Secrets;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Role;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * OAuth clients that act for themselves with the client-credentials grant: services and
 * federated-learning client nodes. Each belongs to a tenant and holds roles there. The protocol
 * side lives in Spring Authorization Server's registration; the tenant and roles in {@code
 * identity_client}.
 */
public final class ClientService {

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.clients");

  private final RegisteredClientRepository registrations;
  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final Tenants tenants;
  private final Clock clock;
  private final Duration accessTokenTtl;
  private final Duration refreshTokenTtl;

  public ClientService(
      RegisteredClientRepository registrations,
      JdbcClient jdbc,
      TransactionTemplate transactions,
      Tenants tenants,
      Clock clock,
      Duration accessTokenTtl,
      Duration refreshTokenTtl) {
    this.registrations = registrations;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.tenants = tenants;
    this.clock = clock;
    this.accessTokenTtl = accessTokenTtl;
    this.refreshTokenTtl = refreshTokenTtl;
  }

  /** A client as TrustStram sees it. */
  public record Client(
      String clientId, TenantId tenant, String name, Set<Role> roles, Instant createdAt) {}

  /** A new client with its secret, shown once. */
  public record Created(Client client, String clientSecret) {}

  /**
   * Registers a confidential client for the client-credentials grant.
   *
   * @throws ProblemException 403 role-not-grantable, 404 tenant-not-found
   */
  public Created register(Caller by, TenantId tenant, String name, Set<Role> roles) {
    return register(by, tenant, name, roles, List.of());
  }

  /**
   * Registers a confidential client. With {@code redirectUris} it may also sign users in with the
   * authorization-code grant (PKCE required) and receives refresh tokens, rotated on every use: a
   * server-side web application such as the console's backend.
   *
   * @throws ProblemException 403 role-not-grantable, 404 tenant-not-found
   */
  public Created register(
      Caller by, TenantId tenant, String name, Set<Role> roles, List<String> redirectUris) {
    Grants.requireGrantable(by, tenant, roles, tenants);
    String clientId = "tsc-" + Secrets.random(16).toLowerCase(java.util.Locale.ROOT);
    String secret = Secrets.random(43);
    Instant now = clock.instant();
    RegisteredClient.Builder builder =
        RegisteredClient.withId(Uuids.v7().toString())
            .clientId(clientId)
            .clientIdIssuedAt(now)
            .clientSecret(SecretDigestEncoder.digest(secret))
            .clientName(name)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .scope("api")
            .clientSettings(
                ClientSettings.builder()
                    .requireAuthorizationConsent(false)
                    .requireProofKey(true)
                    .build())
            .tokenSettings(
                TokenSettings.builder()
                    .accessTokenTimeToLive(accessTokenTtl)
                    .refreshTokenTimeToLive(refreshTokenTtl)
                    .reuseRefreshTokens(false)
                    .build());
    if (!redirectUris.isEmpty()) {
      builder
          .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
          .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
          .scope(OidcScopes.OPENID)
          .scope(OidcScopes.PROFILE);
      redirectUris.forEach(builder::redirectUri);
    }
    RegisteredClient registration = builder.build();
    transactions.executeWithoutResult(
        status -> {
          registrations.save(registration);
          jdbc.sql(
                  "INSERT INTO identity_client (client_id, tenant_id, roles, created_at)"
                      + " VALUES (?, ?, ?, ?)")
              .param(clientId)
              .param(tenant.value())
              .param(Role.toColumn(roles))
              .param(Timestamp.from(now))
              .update();
        });
    audit.info(
        "client {} registered in tenant {} with roles {} by {}",
        clientId,
        tenant,
        roles,
        by.subject());
    return new Created(new Client(clientId, tenant, name, roles, now), secret);
  }

  /** The client with {@code clientId}, whoever asks (for token issuance). */
  public Optional<Client> find(String clientId) {
    return jdbc.sql(
            "SELECT c.client_id, c.tenant_id, c.roles, c.created_at, r.client_name"
                + " FROM identity_client c JOIN oauth2_registered_client r"
                + " ON r.client_id = c.client_id WHERE c.client_id = ?")
        .param(clientId)
        .query(ClientService::map)
        .optional();
  }

  /** The client with {@code clientId} if {@code by} may see it. */
  public Optional<Client> find(Caller by, String clientId) {
    return find(clientId).filter(c -> by.canSee(c.tenant()));
  }

  /** Clients of {@code tenant} (the caller's own when null), in id order. */
  public Page<Client> list(Caller by, @Nullable TenantId tenant, PageRequest request) {
    TenantId scope = tenant == null ? by.tenant() : tenant;
    if (!by.canSee(scope)) {
      return new Page<>(List.of(), null);
    }
    List<Object> params = new ArrayList<>();
    params.add(scope.value());
    String after = "";
    if (request.after() != null) {
      after = " AND c.client_id > ?";
      params.add(request.after());
    }
    params.add(request.limit() + 1);
    List<Client> rows =
        jdbc.sql(
                "SELECT c.client_id, c.tenant_id, c.roles, c.created_at, r.client_name"
                    + " FROM identity_client c JOIN oauth2_registered_client r"
                    + " ON r.client_id = c.client_id WHERE c.tenant_id = ?"
                    + after
                    + " ORDER BY c.client_id LIMIT ?")
            .params(params)
            .query(ClientService::map)
            .list();
    return Page.fromLookahead(rows, request, Client::clientId);
  }

  /**
   * Deletes a client: its registration, so it can obtain no new token, and every authorization
   * issued to it. Access tokens already issued stay valid until they expire unless revoked.
   */
  public void delete(Caller by, String clientId) {
    Client client =
        find(by, clientId)
            .orElseThrow(
                () ->
                    new ProblemException(
                        IdentityProblems.CLIENT_NOT_FOUND, "No client has id '" + clientId + "'"));
    RegisteredClient registration = registrations.findByClientId(client.clientId());
    transactions.executeWithoutResult(
        status -> {
          jdbc.sql("DELETE FROM identity_client WHERE client_id = ?").param(clientId).update();
          if (registration != null) {
            jdbc.sql("DELETE FROM oauth2_authorization WHERE registered_client_id = ?")
                .param(registration.getId())
                .update();
            jdbc.sql("DELETE FROM oauth2_registered_client WHERE id = ?")
                .param(registration.getId())
                .update();
          }
        });
    audit.info("client {} deleted by {}", clientId, by.subject());
  }

  private static Client map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new Client(
        rs.getString("client_id"),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getString("client_name"),
        Role.fromColumn(rs.getString("roles")),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
