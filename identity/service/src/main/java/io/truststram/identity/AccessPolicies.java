package io.truststram.identity;

import io.truststram.platform.security.Caller;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Attribute-based access control: each tenant's policies, evaluated on attributes of the caller
 * ({@code principal.*}: subject, tenant, client, roles, mfa, authMethods), of the resource ({@code
 * resource.*}, as the service describes it: tenant, region, owner...) and of the request ({@code
 * request.*}: time, purpose, ip). Services call it after the permission check, for the actions a
 * tenant may want to constrain further. Thread-safe.
 */
public interface AccessPolicies {

  /** The policies' decision for {@code caller} doing {@code action} on {@code resource}. */
  PolicyDecision decide(
      Caller caller,
      String action,
      Map<String, @Nullable Object> resource,
      Map<String, @Nullable Object> request);

  /**
   * Refuses unless the policies allow {@code action}.
   *
   * @throws io.truststram.common.problem.ProblemException 403 policy-denied, naming the policies
   */
  void require(Caller caller, String action, Map<String, @Nullable Object> resource);
}
