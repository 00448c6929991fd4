package io.truststram.identity;

import io.truststram.common.tenant.TenantId;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Role;
import java.util.Set;

/**
 * API clients (OAuth confidential clients using the client-credentials grant) for other services:
 * the federation service gives each client node one.
 */
public interface ApiClients {

  /**
   * A new client of {@code tenant}, named {@code name}, whose tokens carry {@code roles}; its
   * secret is returned only now.
   *
   * @throws io.truststram.common.problem.ProblemException 403 when {@code by} may not grant the
   *     roles, 404 when it may not act in the tenant
   */
  Credentials register(Caller by, TenantId tenant, String name, Set<Role> roles);

  /** Deletes the client {@code clientId}: it obtains no new token. */
  void delete(Caller by, String clientId);

  /**
   * A client's credentials.
   *
   * @param clientId its id
   * @param clientSecret its secret, shown once
   */
  record Credentials(String clientId, String clientSecret) {}
}
