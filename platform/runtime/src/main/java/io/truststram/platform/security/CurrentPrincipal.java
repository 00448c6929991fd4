package io.truststram.platform.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The caller of the request being served, as the security baseline authenticated it. */
public final class CurrentPrincipal {

  private CurrentPrincipal() {}

  /** The caller, or empty outside an authenticated request. */
  public static Optional<Caller> find() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication instanceof CallerAuthentication caller) {
      return Optional.of(caller.caller());
    }
    return Optional.empty();
  }

  /**
   * The caller.
   *
   * @throws IllegalStateException outside an authenticated API request: a programming error, since
   *     every {@code /api} request is authenticated before a controller runs
   */
  public static Caller require() {
    return find().orElseThrow(() -> new IllegalStateException("no authenticated caller"));
  }
}
