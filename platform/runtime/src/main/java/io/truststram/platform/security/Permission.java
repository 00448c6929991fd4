package io.truststram.platform.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A fine-grained permission, written {@code <resource>:<action>}. Access tokens carry roles; every
 * service maps them to permissions with {@link Role}, so a permission is granted the same way in
 * every process. Endpoints check a permission, never a role.
 */
public enum Permission {
  TENANT_CREATE("tenant:create"),
  TENANT_READ("tenant:read"),
  TENANT_MANAGE("tenant:manage"),
  USER_READ("user:read"),
  USER_MANAGE("user:manage"),
  CLIENT_READ("client:read"),
  CLIENT_MANAGE("client:manage"),
  POLICY_READ("policy:read"),
  POLICY_MANAGE("policy:manage"),
  FEDERATION_CREATE("federation:create"),
  FEDERATION_READ("federation:read"),
  FEDERATION_MANAGE("federation:manage"),
  FEDERATION_PARTICIPATE("federation:participate"),
  MODEL_READ("model:read"),
  MODEL_REGISTER("model:register"),
  MODEL_DEPLOY("model:deploy"),
  EXPLAIN_READ("explain:read"),
  EXPLAIN_RUN("explain:run"),
  TRUST_READ("trust:read"),
  /** Writing the trust graph (entities, relationships, evidence), computing, policies. */
  TRUST_WRITE("trust:write"),
  KEY_USE("key:use"),
  KEY_MANAGE("key:manage"),
  AUDIT_READ("audit:read"),
  /** Appending an application's own entries to its tenant's audit log. */
  AUDIT_WRITE("audit:write"),
  METRICS_READ("metrics:read"),
  /** Rotating the platform's token signing keys: platform-admin only. */
  SIGNING_KEY_MANAGE("signing-key:manage");

  private static final Map<String, Permission> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(Permission::value, Function.identity()));

  private final String value;

  Permission(String value) {
    this.value = value;
  }

  /** The permission as written in policies, annotations and documents, e.g. {@code key:use}. */
  public String value() {
    return value;
  }

  /** The permission written {@code value}, if there is one. */
  public static Optional<Permission> parse(String value) {
    return Optional.ofNullable(BY_NAME.get(value.strip().toLowerCase(Locale.ROOT)));
  }

  @Override
  public String toString() {
    return value;
  }
}
