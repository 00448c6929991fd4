package io.truststram.identity.internal.web;

import io.truststram.identity.internal.mfa.MfaPolicies;
import io.truststram.identity.internal.mfa.Passkeys;
import io.truststram.identity.internal.oauth.MfaAuthorities;
import io.truststram.identity.internal.user.PasswordLoginProvider;
import io.truststram.identity.internal.user.UserAccount;
import io.truststram.identity.internal.user.UserService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The steps a signed-in user must finish before the authorization server issues anything, or the
 * account pages do anything: change a one-time password, then prove a TOTP code when the account
 * has TOTP or a passkey (the second-factor page offers whichever the user has), or enrol one when
 * the tenant requires a second factor for one of the user's roles. A sign-in with a passkey alone
 * has no step left: a passkey is something the user has, unlocked on the device. Sits in front of
 * the authorization endpoints and the account pages; sends the browser to the step's page and
 * remembers where it was going.
 */
public final class LoginSteps extends OncePerRequestFilter {

  static final String PASSWORD_PAGE = "/account/password";
  static final String TOTP_PAGE = "/login/totp";
  static final String ENROL_PAGE = "/account/totp";
  static final String PASSKEYS_PAGE = "/account/passkeys";

  /** Reachable while enrolment is the pending step: a passkey enrols as well as TOTP does. */
  private static final java.util.Set<String> ENROLMENT_PATHS =
      java.util.Set.of(PASSKEYS_PAGE, "/webauthn/register/options", "/webauthn/register");

  private static final RequestCache REQUESTS = new HttpSessionRequestCache();
  private static final SecurityContextRepository CONTEXTS =
      new HttpSessionSecurityContextRepository();

  private final UserService users;
  private final MfaPolicies policies;
  private final Passkeys passkeys;
  private final java.time.Duration reauthenticateAfter;

  public LoginSteps(
      UserService users,
      MfaPolicies policies,
      Passkeys passkeys,
      java.time.Duration reauthenticateAfter) {
    this.users = users;
    this.policies = policies;
    this.passkeys = passkeys;
    this.reauthenticateAfter = reauthenticateAfter;
  }

  /** Paths that add a passkey: they need a recently proved factor (step-up). */
  private static final org.springframework.security.web.util.matcher.RequestMatcher
      PASSKEY_REGISTRATION =
          new org.springframework.security.web.util.matcher.OrRequestMatcher(
              org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher
                  .withDefaults()
                  .matcher("/webauthn/register/options"),
              org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher
                  .withDefaults()
                  .matcher("/webauthn/register"));

  /**
   * Whether the session proved a factor (password, code, passkey) within the re-authentication
   * window: adding a passkey, a credential that signs in alone, needs that much.
   */
  boolean recentlyAuthenticated(@Nullable Authentication authentication) {
    if (authentication == null) {
      return false;
    }
    java.time.Instant since = java.time.Instant.now().minus(reauthenticateAfter);
    for (GrantedAuthority granted : authentication.getAuthorities()) {
      if (granted instanceof FactorGrantedAuthority factor && factor.getIssuedAt().isAfter(since)) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication current = SecurityContextHolder.getContext().getAuthentication();
    String next = pendingStep(current);
    String path = request.getRequestURI().substring(request.getContextPath().length());
    // Matched as Spring's WebAuthn filters match (decoded path), so no encoding slips past.
    if (PASSKEY_REGISTRATION.matches(request)
        && current != null
        && current.isAuthenticated()
        && !recentlyAuthenticated(current)) {
      response.setStatus(HttpServletResponse.SC_FORBIDDEN);
      response.setContentType("application/json");
      response
          .getOutputStream()
          .write(
              "{\"error\":\"reauthentication_required\",\"message\":\"Confirm your password to add a passkey.\"}"
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    if (next == null
        || path.equals(next)
        || isStepOrSignIn(path)
        || (next.equals(ENROL_PAGE) && ENROLMENT_PATHS.contains(path))) {
      chain.doFilter(request, response);
      return;
    }
    REQUESTS.saveRequest(request, response);
    response.sendRedirect(request.getContextPath() + next);
  }

  /**
   * The page of the first unfinished step for {@code authentication}, or null when none is left.
   */
  @Nullable String pendingStep(@Nullable Authentication authentication) {
    if (authentication == null
        || !authentication.isAuthenticated()
        || !(has(authentication, FactorGrantedAuthority.PASSWORD_AUTHORITY)
            || has(authentication, FactorGrantedAuthority.AUTHORIZATION_CODE_AUTHORITY))) {
      return null;
    }
    if (has(authentication, PasswordLoginProvider.PASSWORD_CHANGE_REQUIRED)) {
      return PASSWORD_PAGE;
    }
    Optional<UserAccount> user = users.findByUsername(authentication.getName());
    if (user.isEmpty()
        || has(authentication, MfaAuthorities.TOTP)
        || has(authentication, FactorGrantedAuthority.WEBAUTHN_AUTHORITY)) {
      return null;
    }
    if (user.get().totpEnabled() || passkeys.any(user.get().username())) {
      return TOTP_PAGE;
    }
    if (policies.requiresSecondFactor(user.get().tenant(), user.get().roles())) {
      return ENROL_PAGE;
    }
    return null;
  }

  /**
   * Pages a user with unfinished steps may still reach: sign-in itself (a passkey included) and
   * signing out.
   */
  private static boolean isStepOrSignIn(String path) {
    return path.equals("/login")
        || path.startsWith("/login/")
        || path.equals("/webauthn/authenticate/options")
        || path.equals("/logout");
  }

  static boolean has(Authentication authentication, String authority) {
    for (GrantedAuthority granted : authentication.getAuthorities()) {
      if (authority.equals(granted.getAuthority())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Replaces the session's authentication with one whose authorities {@code change} edited, under a
   * new session id (the privilege changed).
   */
  static void updateAuthorities(
      HttpServletRequest request,
      HttpServletResponse response,
      Consumer<java.util.Collection<GrantedAuthority>> change) {
    Authentication current = SecurityContextHolder.getContext().getAuthentication();
    if (current == null) {
      throw new IllegalStateException("no authentication to update");
    }
    Authentication updated = current.toBuilder().authorities(change).build();
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(updated);
    SecurityContextHolder.setContext(context);
    request.changeSessionId();
    CONTEXTS.saveContext(context, request, response);
  }

  /** Where to go once a step is done: the next step, or the request that was interrupted. */
  String continuation(HttpServletRequest request, HttpServletResponse response) {
    String next = pendingStep(SecurityContextHolder.getContext().getAuthentication());
    if (next != null) {
      return request.getContextPath() + next;
    }
    SavedRequest saved = REQUESTS.getRequest(request, response);
    if (saved != null) {
      REQUESTS.removeRequest(request, response);
      return saved.getRedirectUrl();
    }
    return request.getContextPath() + "/account";
  }
}
