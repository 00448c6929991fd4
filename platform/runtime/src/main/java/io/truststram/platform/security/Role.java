package io.truststram.platform.security;

import static io.truststram.platform.security.Permission.AUDIT_READ;
import static io.truststram.platform.security.Permission.AUDIT_WRITE;
import static io.truststram.platform.security.Permission.CLIENT_MANAGE;
import static io.truststram.platform.security.Permission.CLIENT_READ;
import static io.truststram.platform.security.Permission.EXPLAIN_READ;
import static io.truststram.platform.security.Permission.EXPLAIN_RUN;
import static io.truststram.platform.security.Permission.FEDERATION_CREATE;
import static io.truststram.platform.security.Permission.FEDERATION_MANAGE;
import static io.truststram.platform.security.Permission.FEDERATION_PARTICIPATE;
import static io.truststram.platform.security.Permission.FEDERATION_READ;
import static io.truststram.platform.security.Permission.KEY_MANAGE;
import static io.truststram.platform.security.Permission.KEY_USE;
import static io.truststram.platform.security.Permission.MODEL_DEPLOY;
import static io.truststram.platform.security.Permission.MODEL_READ;
import static io.truststram.platform.security.Permission.MODEL_REGISTER;
import static io.truststram.platform.security.Permission.POLICY_MANAGE;
import static io.truststram.platform.security.Permission.POLICY_READ;
import static io.truststram.platform.security.Permission.TENANT_READ;
import static io.truststram.platform.security.Permission.TRUST_READ;
import static io.truststram.platform.security.Permission.TRUST_WRITE;
import static io.truststram.platform.security.Permission.USER_MANAGE;
import static io.truststram.platform.security.Permission.USER_READ;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The built-in roles and the permissions each grants. A user or client holds roles in its own
 * tenant; only {@link #PLATFORM_ADMIN} acts across tenants, and only through endpoints that say so.
 */
public enum Role {
  /** Operates the installation: creates tenants, sees every tenant, reads metrics. */
  PLATFORM_ADMIN("platform-admin", EnumSet.allOf(Permission.class)),
  /** Administers one tenant: its users, clients, policies, keys, federations and models. */
  TENANT_ADMIN(
      "tenant-admin",
      EnumSet.of(
          TENANT_READ,
          USER_READ,
          USER_MANAGE,
          CLIENT_READ,
          CLIENT_MANAGE,
          POLICY_READ,
          POLICY_MANAGE,
          FEDERATION_CREATE,
          FEDERATION_READ,
          FEDERATION_MANAGE,
          MODEL_READ,
          MODEL_REGISTER,
          MODEL_DEPLOY,
          EXPLAIN_READ,
          EXPLAIN_RUN,
          TRUST_READ,
          TRUST_WRITE,
          KEY_USE,
          KEY_MANAGE,
          AUDIT_READ,
          AUDIT_WRITE)),
  /** Runs federations and trains, explains and deploys models. */
  DATA_SCIENTIST(
      "data-scientist",
      EnumSet.of(
          TENANT_READ,
          FEDERATION_CREATE,
          FEDERATION_READ,
          FEDERATION_MANAGE,
          MODEL_READ,
          MODEL_REGISTER,
          MODEL_DEPLOY,
          EXPLAIN_READ,
          EXPLAIN_RUN,
          TRUST_READ,
          TRUST_WRITE,
          KEY_USE)),
  /** A federated-learning client node or its operator: joins rounds and sends updates. */
  FEDERATION_PARTICIPANT(
      "federation-participant",
      EnumSet.of(TENANT_READ, FEDERATION_READ, FEDERATION_PARTICIPATE, MODEL_READ, KEY_USE)),
  /** Reads the audit trail and every configuration, changes nothing. */
  AUDITOR(
      "auditor",
      EnumSet.of(
          TENANT_READ,
          AUDIT_READ,
          USER_READ,
          CLIENT_READ,
          POLICY_READ,
          FEDERATION_READ,
          MODEL_READ,
          EXPLAIN_READ,
          TRUST_READ)),
  /** Reads federations, models and explanations. */
  VIEWER("viewer", EnumSet.of(TENANT_READ, FEDERATION_READ, MODEL_READ, EXPLAIN_READ, TRUST_READ));

  private final String value;
  private final Set<Permission> permissions;

  Role(String value, Set<Permission> permissions) {
    this.value = value;
    this.permissions = Collections.unmodifiableSet(permissions);
  }

  /** The role as written in tokens and APIs, e.g. {@code tenant-admin}. */
  public String value() {
    return value;
  }

  /** The permissions this role grants. */
  public Set<Permission> permissions() {
    return permissions;
  }

  /** The role written {@code value}, if there is one. */
  public static Optional<Role> parse(String value) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(r -> r.value.equals(wanted)).findFirst();
  }

  /** The union of the permissions of {@code roles}. */
  public static Set<Permission> permissionsOf(Collection<Role> roles) {
    Set<Permission> all = EnumSet.noneOf(Permission.class);
    roles.forEach(r -> all.addAll(r.permissions));
    return all;
  }

  /** {@code roles} as stored in a column: their values, sorted, comma-separated. */
  public static String toColumn(Collection<Role> roles) {
    return roles.stream().map(Role::value).sorted().collect(Collectors.joining(","));
  }

  /** The roles of a column written by {@link #toColumn}; unknown values are skipped. */
  public static Set<Role> fromColumn(String column) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String value : column.split(",")) {
      parse(value).ifPresent(roles::add);
    }
    return roles;
  }

  @Override
  public String toString() {
    return value;
  }
}
