package io.truststram.identity.internal.policy;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.identity.AccessPolicies;
import io.truststram.identity.IdentityProblems;
import io.truststram.identity.PolicyDecision;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Role;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Stores each tenant's policies and evaluates them: the {@link AccessPolicies} of identity. */
public final class PolicyService implements AccessPolicies {

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.policy");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Most policies one tenant may have. */
  public static final int MAX_POLICIES = 200;

  private final JdbcClient jdbc;
  private final Clock clock;

  public PolicyService(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** A policy as JSON shows it. */
  public record PolicyJson(
      String id,
      String effect,
      List<String> actions,
      List<ConditionJson> conditions,
      @Nullable String description) {

    Policy toPolicy() {
      Policy.Effect parsed;
      try {
        parsed = Policy.Effect.valueOf(effect.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("policy " + id + ": effect must be require or deny");
      }
      return new Policy(
          id,
          parsed,
          actions,
          conditions.stream()
              .map(c -> new Condition(c.attribute(), c.operator(), c.value()))
              .toList(),
          description == null ? "" : description);
    }

    public static PolicyJson of(Policy policy) {
      return new PolicyJson(
          policy.id(),
          policy.effect().name().toLowerCase(Locale.ROOT),
          policy.actions(),
          policy.conditions().stream()
              .map(c -> new ConditionJson(c.attribute(), c.operator(), c.value()))
              .toList(),
          policy.description());
    }
  }

  /** A condition as JSON shows it. */
  public record ConditionJson(String attribute, String operator, @Nullable Object value) {}

  /** The policies of {@code tenant}, in order. */
  public List<Policy> policies(TenantId tenant) {
    return jdbc.sql("SELECT document FROM identity_policy WHERE tenant_id = ?")
        .param(tenant.value())
        .query(String.class)
        .optional()
        .map(PolicyService::parse)
        .orElse(List.of());
  }

  /**
   * Validates and replaces the policies of {@code tenant}.
   *
   * @throws ProblemException 400 policy-invalid naming the first problem
   */
  public List<Policy> replace(Caller by, TenantId tenant, List<PolicyJson> documents) {
    List<Policy> policies = validate(documents);
    String document = JSON.writeValueAsString(policies.stream().map(PolicyJson::of).toList());
    Timestamp now = Timestamp.from(clock.instant());
    upsert(tenant, document, now);
    audit.info(
        "{} access policies of tenant {} replaced by {}", policies.size(), tenant, by.subject());
    return policies;
  }

  /** Update, else insert; a concurrent first insert makes ours fail, and the update then wins. */
  private void upsert(TenantId tenant, String document, Timestamp now) {
    for (int attempt = 0; ; attempt++) {
      int updated =
          jdbc.sql("UPDATE identity_policy SET document = ?, updated_at = ? WHERE tenant_id = ?")
              .param(document)
              .param(now)
              .param(tenant.value())
              .update();
      if (updated > 0) {
        return;
      }
      try {
        jdbc.sql("INSERT INTO identity_policy (tenant_id, document, updated_at) VALUES (?, ?, ?)")
            .param(tenant.value())
            .param(document)
            .param(now)
            .update();
        return;
      } catch (org.springframework.dao.DuplicateKeyException raced) {
        if (attempt > 2) {
          throw raced;
        }
      }
    }
  }

  static List<Policy> validate(List<PolicyJson> documents) {
    if (documents.size() > MAX_POLICIES) {
      throw invalid("A tenant may have at most " + MAX_POLICIES + " policies.");
    }
    List<Policy> policies = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < documents.size(); i++) {
      PolicyJson json = documents.get(i);
      try {
        Policy policy = json.toPolicy();
        if (!ids.add(policy.id())) {
          throw new IllegalArgumentException("two policies have the id " + policy.id());
        }
        policies.add(policy);
      } catch (IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
        throw invalid(
            "policies[" + i + "]: " + (e.getMessage() == null ? "missing member" : e.getMessage()));
      }
    }
    return policies;
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(IdentityProblems.POLICY_INVALID, detail);
  }

  private static List<Policy> parse(String document) {
    try {
      return JSON.readValue(document, new TypeReference<List<PolicyJson>>() {}).stream()
          .map(PolicyJson::toPolicy)
          .toList();
    } catch (JacksonException e) {
      throw new IllegalStateException("stored policy document is unreadable", e);
    }
  }

  /** The attributes a decision sees: the caller's, the resource's and the request's. */
  public Map<String, @Nullable Object> attributes(
      Map<String, @Nullable Object> principal,
      Map<String, @Nullable Object> resource,
      Map<String, @Nullable Object> request) {
    Map<String, @Nullable Object> attributes = new HashMap<>();
    principal.forEach((k, v) -> attributes.put("principal." + k, v));
    resource.forEach((k, v) -> attributes.put("resource." + k, v));
    attributes.put("request.time", clock.instant().toString());
    request.forEach((k, v) -> attributes.put("request." + k, v));
    return attributes;
  }

  /** The {@code principal.*} attributes of {@code caller}. */
  public static Map<String, @Nullable Object> principal(Caller caller) {
    Map<String, @Nullable Object> principal = new LinkedHashMap<>();
    principal.put("subject", caller.subject());
    principal.put("client", caller.clientId());
    principal.put("tenant", caller.tenant().toString());
    principal.put("roles", caller.roles().stream().map(Role::value).sorted().toList());
    principal.put("mfa", caller.multiFactor());
    principal.put("authMethods", caller.authenticationMethods());
    return principal;
  }

  /** The full decision for explanation. */
  public PolicyEngine.Decision explain(
      TenantId tenant, String action, Map<String, @Nullable Object> attributes) {
    return PolicyEngine.decide(policies(tenant), action, attributes);
  }

  @Override
  public PolicyDecision decide(
      Caller caller,
      String action,
      Map<String, @Nullable Object> resource,
      Map<String, @Nullable Object> request) {
    PolicyEngine.Decision decision =
        explain(caller.tenant(), action, attributes(principal(caller), resource, request));
    return new PolicyDecision(decision.allowed(), decision.refusedBy());
  }

  @Override
  public void require(Caller caller, String action, Map<String, @Nullable Object> resource) {
    PolicyDecision decision = decide(caller, action, resource, Map.of());
    if (!decision.allowed()) {
      audit.info("{} refused to {} by policies {}", action, caller.subject(), decision.refusedBy());
      throw new ProblemException(
          IdentityProblems.POLICY_DENIED,
          "Your tenant's access policies refuse "
              + action
              + " here ("
              + String.join(", ", decision.refusedBy())
              + "). Ask POST /api/v1/identity/policies/explain why.",
          Map.of("policies", decision.refusedBy()));
    }
  }
}
