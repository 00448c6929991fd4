package io.truststram.common.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TenantContextTest {

  @Test
  void isEmptyOutsideAUnitOfWork() {
    assertThat(TenantContext.current()).isEmpty();
    assertThatThrownBy(TenantContext::require)
        .isInstanceOf(TenantContext.NoTenantBoundException.class);
  }

  @Test
  void bindsForTheExtentOfTheCallOnly() throws Exception {
    TenantId acme = TenantId.newId();
    TenantId result = TenantContext.callAs(acme, TenantContext::require);
    assertThat(result).isEqualTo(acme);
    assertThat(TenantContext.current()).isEmpty();
  }

  @Test
  void innerBindingShadowsOuterAndRestoresIt() {
    TenantId outer = TenantId.newId();
    TenantId inner = TenantId.newId();
    AtomicReference<TenantId> seenInside = new AtomicReference<>();
    AtomicReference<TenantId> seenAfter = new AtomicReference<>();
    TenantContext.runAs(
        outer,
        () -> {
          TenantContext.runAs(inner, () -> seenInside.set(TenantContext.require()));
          seenAfter.set(TenantContext.require());
        });
    assertThat(seenInside.get()).isEqualTo(inner);
    assertThat(seenAfter.get()).isEqualTo(outer);
  }

  @Test
  void doesNotLeakIntoAnotherThread() throws Exception {
    TenantId acme = TenantId.newId();
    AtomicReference<Boolean> otherThreadSawTenant = new AtomicReference<>();
    TenantContext.runAs(
        acme,
        () -> {
          Thread t =
              Thread.ofVirtual()
                  .start(() -> otherThreadSawTenant.set(TenantContext.current().isPresent()));
          try {
            t.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(otherThreadSawTenant.get()).isFalse();
  }
}
