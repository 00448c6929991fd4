package io.truststram.common.tenant;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The tenant on whose behalf the current unit of work runs.
 *
 * <p>Bound for the extent of a call with {@link #runAs} or {@link #callAs}, never set and
 * forgotten: the binding is a {@link ScopedValue}, so it ends with the call, is inherited by
 * structured subtasks, and cannot leak into the next request a pooled thread serves. The identity
 * service binds it from the authenticated principal at the edge; services read it with {@link
 * #require()}.
 */
public final class TenantContext {

  private static final ScopedValue<TenantId> CURRENT = ScopedValue.newInstance();

  private TenantContext() {}

  /** Runs {@code action} with {@code tenant} as the current tenant. */
  public static void runAs(TenantId tenant, Runnable action) {
    ScopedValue.where(CURRENT, tenant).run(action);
  }

  /** Calls {@code action} with {@code tenant} as the current tenant and returns its result. */
  public static <T> T callAs(TenantId tenant, Callable<T> action) throws Exception {
    return ScopedValue.where(CURRENT, tenant).call(action::call);
  }

  /** The current tenant, or empty outside any tenant's unit of work. */
  public static Optional<TenantId> current() {
    return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
  }

  /**
   * The current tenant.
   *
   * @throws NoTenantBoundException when no tenant is bound: a programming error in the caller,
   *     since every tenant-scoped operation must run inside {@link #runAs} or {@link #callAs}
   */
  public static TenantId require() {
    if (!CURRENT.isBound()) {
      throw new NoTenantBoundException();
    }
    return CURRENT.get();
  }

  /** Thrown by {@link #require()} outside a tenant's unit of work. */
  public static final class NoTenantBoundException extends IllegalStateException {
    NoTenantBoundException() {
      super("no tenant is bound to this unit of work");
    }
  }
}
