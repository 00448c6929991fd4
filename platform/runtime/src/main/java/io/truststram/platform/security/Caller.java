package io.truststram.platform.security;

import io.truststram.common.tenant.TenantId;
import java.util.List;
import java.util.Set;

/**
 * Who is calling: the subject of a verified access token.
 *
 * @param subject the token's {@code sub}: a user id, or a client id for a client acting for itself
 * @param clientId the OAuth client the token was issued to
 * @param tenant the tenant the subject belongs to
 * @param roles the subject's roles in that tenant
 * @param permissions what those roles allow
 * @param authenticationMethods how the subject authenticated (RFC 8176 {@code amr} values)
 */
public record Caller(
    String subject,
    String clientId,
    TenantId tenant,
    Set<Role> roles,
    Set<Permission> permissions,
    List<String> authenticationMethods) {

  public Caller {
    roles = Set.copyOf(roles);
    permissions = Set.copyOf(permissions);
    authenticationMethods = List.copyOf(authenticationMethods);
  }

  /** Whether the caller may act across tenants (the platform-admin role). */
  public boolean isPlatformAdmin() {
    return roles.contains(Role.PLATFORM_ADMIN);
  }

  /** Whether the caller holds {@code permission}. */
  public boolean can(Permission permission) {
    return permissions.contains(permission);
  }

  /** Whether the caller proved a second factor (or a phishing-resistant key) when signing in. */
  public boolean multiFactor() {
    return authenticationMethods.contains("mfa") || authenticationMethods.contains("hwk");
  }

  /**
   * Whether the caller may see records of {@code owner}: its own tenant, or any as platform-admin.
   */
  public boolean canSee(TenantId owner) {
    return isPlatformAdmin() || tenant.equals(owner);
  }
}
