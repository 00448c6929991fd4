package io.truststram.identity.internal.user;

import io.truststram.common.tenant.TenantId;
import io.truststram.platform.security.Role;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The users that identities of external OpenID Connect providers sign in as, linked by the
 * provider's issuer and subject ({@code iss}, {@code sub}): what the provider guarantees to be
 * stable and never reassigned, unlike {@code preferred_username}. The first sign-in creates the
 * user, named after the preferred name, made unique; later sign-ins find it by the link, whatever
 * name the provider sends then. An account whose name matches but that is not linked to this
 * identity is never taken over.
 */
public final class ExternalIdentities {

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.users");
  private static final int NAME_ATTEMPTS = 50;

  private final JdbcClient jdbc;
  private final UserStore store;
  private final UserService users;
  private final Clock clock;

  public ExternalIdentities(JdbcClient jdbc, UserStore store, UserService users, Clock clock) {
    this.jdbc = jdbc;
    this.store = store;
    this.users = users;
    this.clock = clock;
  }

  /**
   * The user {@code subject} of {@code issuer} signs in as, its roles and display name updated from
   * the provider; created on the first sign-in as {@code <name>@<suffix>} in {@code tenant}.
   *
   * @throws IllegalStateException when the linked user now belongs to another tenant
   */
  public UserAccount signIn(
      TenantId tenant,
      String issuer,
      String subject,
      String name,
      String suffix,
      String displayName,
      Set<Role> roles) {
    Optional<UUID> linked = find(issuer, subject);
    if (linked.isPresent()) {
      return update(linked.get(), tenant, roles);
    }
    for (int attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
      String username = (attempt == 1 ? name : name + "-" + attempt) + "@" + suffix;
      Optional<UserAccount> created = users.createFederated(tenant, username, displayName, roles);
      if (created.isEmpty()) {
        continue; // the name is someone else's
      }
      try {
        jdbc.sql(
                "INSERT INTO identity_external_identity (issuer, subject, user_id, linked_at)"
                    + " VALUES (?, ?, ?, ?)")
            .param(issuer)
            .param(subject)
            .param(created.get().id())
            .param(java.sql.Timestamp.from(clock.instant()))
            .update();
      } catch (DuplicateKeyException raced) {
        // A concurrent first sign-in of the same identity linked its own user first.
        store.delete(created.get().id());
        return update(find(issuer, subject).orElseThrow(), tenant, roles);
      }
      audit.info(
          "user {} ({}) created for {} at {}", created.get().id(), username, subject, issuer);
      return created.get();
    }
    throw new IllegalStateException("no free login name for " + name + "@" + suffix);
  }

  private Optional<UUID> find(String issuer, String subject) {
    return jdbc.sql(
            "SELECT user_id FROM identity_external_identity WHERE issuer = ? AND subject = ?")
        .param(issuer)
        .param(subject)
        .query(UUID.class)
        .optional();
  }

  private UserAccount update(UUID id, TenantId tenant, Set<Role> roles) {
    UserAccount user = store.findById(id).orElseThrow();
    if (!user.tenant().equals(tenant)) {
      throw new IllegalStateException("the linked user belongs to another tenant");
    }
    if (!user.roles().equals(roles)) {
      store.updateRoles(id, roles);
      audit.info("user {} roles now {} (from its provider)", id, roles);
    }
    return store.findById(id).orElseThrow();
  }
}
