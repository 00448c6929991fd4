package io.truststram.explain;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.util.concurrent.atomic.AtomicInteger;

/** What the explanation service's integration tests share: a fresh tenant and its scientist. */
abstract class ExplainIntegrationTest extends ServerIntegrationTest {

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** A new tenant. */
  TenantId newTenant() {
    return context
        .getBean(Tenants.class)
        .create(new NewTenant("explain-" + NAMES.incrementAndGet(), "Explain"))
        .id();
  }

  /** A data scientist of {@code tenant}, over HTTP. */
  HttpTestClient scientist(TenantId tenant) {
    return http.withToken(
        TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST)));
  }
}
