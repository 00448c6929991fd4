package io.truststram.identity.internal.web;

import static io.truststram.identity.internal.web.Html.csrf;
import static io.truststram.identity.internal.web.Html.escape;
import static io.truststram.identity.internal.web.Html.page;

import io.truststram.common.problem.ProblemException;
import io.truststram.identity.internal.client.ClientService;
import io.truststram.identity.internal.mfa.MfaService;
import io.truststram.identity.internal.mfa.Passkeys;
import io.truststram.identity.internal.oauth.MfaAuthorities;
import io.truststram.identity.internal.policy.PolicyService;
import io.truststram.identity.internal.user.PasswordLoginProvider;
import io.truststram.identity.internal.user.ProviderRegistrations;
import io.truststram.identity.internal.user.UserAccount;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Permission;
import io.truststram.platform.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Browser pages of sign-in and of one's own account: the sign-in page (password, passkey, external
 * providers), the second-factor step (TOTP code or passkey), changing the password, TOTP enrolment
 * with a QR code and recovery codes, and the user's passkeys.
 */
@Controller
class AccountPages {

  /** Wrong second-factor codes one session may try before it is signed out. */
  static final int MAX_CODE_ATTEMPTS = 5;

  private static final String ATTEMPTS = AccountPages.class.getName() + ".codeAttempts";

  private final UserService users;
  private final MfaService mfa;
  private final LoginSteps steps;
  private final ClientService clients;
  private final PasswordLoginProvider passwords;
  private final PolicyService policies;
  private final Passkeys passkeys;
  private final ProviderRegistrations providers;

  AccountPages(
      UserService users,
      MfaService mfa,
      LoginSteps steps,
      ClientService clients,
      PasswordLoginProvider passwords,
      PolicyService policies,
      Passkeys passkeys,
      ProviderRegistrations providers) {
    this.users = users;
    this.mfa = mfa;
    this.steps = steps;
    this.clients = clients;
    this.passwords = passwords;
    this.policies = policies;
    this.passkeys = passkeys;
    this.providers = providers;
  }

  @GetMapping(path = "/login", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> signInPage(
      @RequestParam(required = false) @Nullable String error,
      @RequestParam(required = false) @Nullable String logout,
      HttpServletRequest request) {
    StringBuilder body = new StringBuilder();
    if (error != null) {
      body.append(
          "<p class=\"error\">Sign-in failed. Check your login name and password; after repeated"
              + " failures an account is locked for a while.</p>");
    }
    if (logout != null) {
      body.append("<p>You are signed out.</p>");
    }
    body.append(
            "<form method=\"post\" action=\"/login\"><label for=\"username\">Login name</label>")
        .append("<input id=\"username\" name=\"username\" required autofocus")
        .append(" autocomplete=\"username webauthn\" maxlength=\"254\">")
        .append("<label for=\"password\">Password</label>")
        .append("<input id=\"password\" name=\"password\" type=\"password\" required")
        .append(" autocomplete=\"current-password\">")
        .append(csrf(request))
        .append("<button type=\"submit\">Sign in</button></form>")
        .append("<p><button type=\"button\" id=\"passkey-sign-in\" data-passkey=\"sign-in\">")
        .append("Sign in with a passkey</button></p>");
    for (ClientRegistration provider : providers) {
      body.append("<p><a href=\"/oauth2/authorization/")
          .append(escape(provider.getRegistrationId()))
          .append("\">Sign in with ")
          .append(escape(provider.getClientName()))
          .append("</a></p>");
    }
    return html(HttpStatus.OK, Html.withPasskeys(request, "Sign in", body.toString()));
  }

  /**
   * Where the passkey script goes after a passkey sign-in: the next step, or where sign-in was
   * going.
   */
  @GetMapping("/login/continue")
  ResponseEntity<String> continueSignIn(HttpServletRequest request, HttpServletResponse response) {
    return redirect(steps.continuation(request, response));
  }

  @GetMapping(path = "/login/passkeys.js", produces = "text/javascript")
  ResponseEntity<byte[]> passkeyScript() throws IOException {
    byte[] script;
    try (var in = AccountPages.class.getResourceAsStream("passkeys.js")) {
      if (in == null) {
        throw new IllegalStateException("passkeys.js is missing from the build");
      }
      script = in.readAllBytes();
    }
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "javascript", java.nio.charset.StandardCharsets.UTF_8))
        .header("Cache-Control", "no-cache")
        .body(script);
  }

  @GetMapping(path = LoginSteps.TOTP_PAGE, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> totpForm(HttpServletRequest request) {
    return html(HttpStatus.OK, secondFactorPage(request, null));
  }

  @PostMapping(path = LoginSteps.TOTP_PAGE, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> totpSubmit(
      @RequestParam(defaultValue = "") String code,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    UserAccount user = currentUser();
    if (user.lockedAt(java.time.Instant.now())) {
      request.getSession().invalidate();
      SecurityContextHolder.clearContext();
      return redirect(request.getContextPath() + "/login?error");
    }
    if (code.length() <= 32 && mfa.verify(user, code)) {
      passwords.recordSuccess(user);
      request.getSession().removeAttribute(ATTEMPTS);
      LoginSteps.updateAuthorities(
          request,
          response,
          authorities ->
              authorities.add(FactorGrantedAuthority.fromAuthority(MfaAuthorities.TOTP)));
      return redirect(steps.continuation(request, response));
    }
    // Wrong codes count towards the account's lock-out, across sessions.
    passwords.recordFailure(user, "second factor");
    HttpSession session = request.getSession();
    int attempts = session.getAttribute(ATTEMPTS) instanceof Integer n ? n + 1 : 1;
    if (attempts >= MAX_CODE_ATTEMPTS) {
      session.invalidate();
      SecurityContextHolder.clearContext();
      return redirect(request.getContextPath() + "/login?error");
    }
    session.setAttribute(ATTEMPTS, attempts);
    return html(
        HttpStatus.BAD_REQUEST,
        secondFactorPage(
            request, "That code was not accepted. Codes work once; wait for the next one."));
  }

  /** The second step: a TOTP (or recovery) code, or a passkey, whichever the user has. */
  private String secondFactorPage(HttpServletRequest request, @Nullable String error) {
    UserAccount user = currentUser();
    StringBuilder body = new StringBuilder();
    if (error != null) {
      body.append("<p class=\"error\">").append(escape(error)).append("</p>");
    }
    if (passkeys.any(user.username())) {
      body.append("<p><button type=\"button\" id=\"passkey-second-factor\"")
          .append(" data-passkey=\"sign-in\">Use your passkey or security key</button></p>");
    }
    if (user.totpEnabled() || !passkeys.any(user.username())) {
      body.append("<form method=\"post\" action=\"")
          .append(escape(request.getContextPath() + LoginSteps.TOTP_PAGE))
          .append("\"><label for=\"code\">Code from your authenticator app, or a recovery code")
          .append("</label><input id=\"code\" name=\"code\" autocomplete=\"one-time-code\"")
          .append(" inputmode=\"numeric\" autofocus required maxlength=\"32\">")
          .append(csrf(request))
          .append("<button type=\"submit\">Verify</button></form>");
    }
    return Html.withPasskeys(request, "Second factor", body.toString());
  }

  @GetMapping(path = LoginSteps.PASSWORD_PAGE, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> passwordForm(HttpServletRequest request) {
    return html(HttpStatus.OK, passwordPage(request, null));
  }

  @PostMapping(path = LoginSteps.PASSWORD_PAGE, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> passwordSubmit(
      @RequestParam(defaultValue = "") String current,
      @RequestParam(defaultValue = "") String password,
      @RequestParam(defaultValue = "") String confirm,
      HttpServletRequest request,
      HttpServletResponse response) {
    if (!password.equals(confirm)) {
      return html(HttpStatus.BAD_REQUEST, passwordPage(request, "The two new passwords differ."));
    }
    try {
      users.changePassword(currentAuthentication().getName(), current, password);
    } catch (ProblemException e) {
      return html(HttpStatus.BAD_REQUEST, passwordPage(request, e.detail()));
    }
    LoginSteps.updateAuthorities(
        request,
        response,
        authorities ->
            authorities.removeIf(
                a -> PasswordLoginProvider.PASSWORD_CHANGE_REQUIRED.equals(a.getAuthority())));
    return redirect(steps.continuation(request, response));
  }

  private static String passwordPage(HttpServletRequest request, @Nullable String error) {
    boolean required =
        LoginSteps.has(currentAuthentication(), PasswordLoginProvider.PASSWORD_CHANGE_REQUIRED);
    return page(
        "Change password",
        (required
                ? "<p>Your password was given to you once: choose your own before going on.</p>"
                : "")
            + (error == null ? "" : "<p class=\"error\">" + escape(error) + "</p>")
            + "<form method=\"post\" action=\""
            + escape(request.getContextPath() + LoginSteps.PASSWORD_PAGE)
            + "\"><label for=\"current\">Current password</label>"
            + "<input id=\"current\" name=\"current\" type=\"password\" required"
            + " autocomplete=\"current-password\">"
            + "<label for=\"password\">New password (at least 12 characters)</label>"
            + "<input id=\"password\" name=\"password\" type=\"password\" required"
            + " autocomplete=\"new-password\">"
            + "<label for=\"confirm\">New password again</label>"
            + "<input id=\"confirm\" name=\"confirm\" type=\"password\" required"
            + " autocomplete=\"new-password\">"
            + csrf(request)
            + "<button type=\"submit\">Change password</button></form>");
  }

  @GetMapping(path = "/account", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> account(HttpServletRequest request) {
    UserAccount user = currentUser();
    String roles =
        user.roles().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
    return html(
        HttpStatus.OK,
        page(
            "Your account",
            "<p>Signed in as <b>"
                + escape(user.username())
                + "</b> ("
                + escape(user.displayName())
                + ")</p><p>Tenant: <code>"
                + escape(user.tenant().toString())
                + "</code><br>Roles: "
                + escape(roles)
                + "</p><p>Two-factor sign-in: "
                + (user.totpEnabled()
                    ? "on (authenticator app)"
                    : "off — <a href=\""
                        + escape(request.getContextPath())
                        + "/account/totp\">turn it on</a>")
                + "</p><p>Passkeys and security keys: "
                + passkeys.list(user.username()).size()
                + " — <a href=\""
                + escape(request.getContextPath() + LoginSteps.PASSKEYS_PAGE)
                + "\">manage</a></p><p><a href=\""
                + escape(request.getContextPath() + LoginSteps.PASSWORD_PAGE)
                + "\">Change password</a> · <a href=\""
                + escape(request.getContextPath())
                + "/account/clients\">New API client</a></p>"
                + "<form method=\"post\" action=\""
                + escape(request.getContextPath())
                + "/logout\">"
                + csrf(request)
                + "<button type=\"submit\">Sign out</button></form>"));
  }

  @GetMapping(path = "/account/totp", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> totpEnrolForm(HttpServletRequest request) {
    UserAccount user = currentUser();
    if (user.totpEnabled()) {
      return html(HttpStatus.OK, page("Two-factor sign-in", "<p>Already on.</p>"));
    }
    MfaService.Enrolment enrolment = mfa.start(user);
    return html(HttpStatus.OK, enrolPage(request, enrolment, null));
  }

  @PostMapping(path = "/account/totp", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> totpEnrolSubmit(
      @RequestParam(defaultValue = "") String code,
      HttpServletRequest request,
      HttpServletResponse response) {
    UserAccount user = currentUser();
    List<String> codes;
    try {
      codes = mfa.confirm(user, code);
    } catch (ProblemException e) {
      return html(
          HttpStatus.BAD_REQUEST,
          page(
              "Two-factor sign-in",
              "<p class=\"error\">"
                  + escape(e.detail())
                  + "</p><p><a href=\""
                  + escape(request.getContextPath())
                  + "/account/totp\">Start again</a></p>"));
    }
    // The code just proved is this session's second factor: sign-in can go on where it was going.
    LoginSteps.updateAuthorities(
        request,
        response,
        authorities -> authorities.add(FactorGrantedAuthority.fromAuthority(MfaAuthorities.TOTP)));
    return html(
        HttpStatus.OK,
        page(
            "Two-factor sign-in is on",
            "<p>Keep these recovery codes somewhere safe. Each signs you in once if you lose your"
                + " device; they are not shown again.</p><ul class=\"codes\">"
                + codes.stream()
                    .map(c -> "<li>" + escape(c) + "</li>")
                    .collect(Collectors.joining())
                + "</ul><p><a id=\"continue\" href=\""
                + escape(steps.continuation(request, response))
                + "\">Continue</a></p>"));
  }

  private static String enrolPage(
      HttpServletRequest request, MfaService.Enrolment enrolment, @Nullable String error) {
    return page(
        "Turn on two-factor sign-in",
        (error == null ? "" : "<p class=\"error\">" + escape(error) + "</p>")
            + "<p>Or <a href=\""
            + escape(request.getContextPath() + LoginSteps.PASSKEYS_PAGE)
            + "\">use a passkey or security key</a> instead.</p>"
            + "<p>Scan this code with an authenticator app (or enter the key by hand), then type"
            + " the code it shows.</p>"
            + Html.qrSvg(enrolment.otpauthUri())
            + "<p>Key: <code>"
            + escape(enrolment.secret())
            + "</code></p><p>On this device: <a href=\""
            + escape(enrolment.otpauthUri())
            + "\">open in an authenticator app</a></p><form method=\"post\" action=\""
            + escape(request.getContextPath())
            + "/account/totp\"><label for=\"code\">Code</label>"
            + "<input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\""
            + " required maxlength=\"8\">"
            + csrf(request)
            + "<button type=\"submit\">Turn on</button></form>");
  }

  @GetMapping(path = LoginSteps.PASSKEYS_PAGE, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> passkeysPage(HttpServletRequest request) {
    UserAccount user = currentUser();
    // A session without a second factor proves the new passkey at once: the passkey then counts
    // as this session's second factor, and sign-in goes on where it was going when enrolment was
    // the pending step.
    Authentication session = currentAuthentication();
    String next = null;
    if (!LoginSteps.has(session, MfaAuthorities.TOTP)
        && !LoginSteps.has(session, FactorGrantedAuthority.WEBAUTHN_AUTHORITY)) {
      next =
          LoginSteps.ENROL_PAGE.equals(steps.pendingStep(session))
              ? "/login/continue"
              : LoginSteps.PASSKEYS_PAGE;
    }
    StringBuilder body = new StringBuilder();
    List<Passkeys.Passkey> registered = passkeys.list(user.username());
    if (registered.isEmpty()) {
      body.append("<p>You have no passkey yet.</p>");
    } else {
      body.append("<ul class=\"passkeys\">");
      for (Passkeys.Passkey passkey : registered) {
        body.append("<li><b>")
            .append(escape(passkey.label()))
            .append("</b>, added ")
            .append(escape(passkey.created().toString()))
            .append(
                passkey.lastUsed() == null
                    ? ""
                    : ", last used " + escape(passkey.lastUsed().toString()))
            .append("<form method=\"post\" action=\"")
            .append(escape(request.getContextPath() + LoginSteps.PASSKEYS_PAGE))
            .append("/delete\"><input type=\"hidden\" name=\"id\" value=\"")
            .append(escape(passkey.id()))
            .append("\">")
            .append(csrf(request))
            .append("<button type=\"submit\">Remove</button></form></li>");
      }
      body.append("</ul>");
    }
    if (!steps.recentlyAuthenticated(session)) {
      body.append(confirmForm(request, user, null));
    } else {
      body.append("<form data-passkey=\"register\"")
          .append(
              next == null ? "" : " data-next=\"" + escape(request.getContextPath() + next) + "\"")
          .append(
              "><label for=\"label\">Name of the new passkey (e.g. work laptop, YubiKey)</label>")
          .append("<input id=\"label\" name=\"label\" required maxlength=\"100\"")
          .append(">")
          .append("<button type=\"submit\" id=\"passkey-register\">Add a passkey</button></form>");
    }
    return html(
        HttpStatus.OK, Html.withPasskeys(request, "Passkeys and security keys", body.toString()));
  }

  /**
   * Adding a passkey (a credential that signs in alone) needs a recently proved factor: a session
   * signed in long ago confirms the password first; one without a local password signs in again.
   */
  private static String confirmForm(
      HttpServletRequest request, UserAccount user, @Nullable String error) {
    if (user.passwordHash() == null) {
      return "<p>To add a passkey, <a href=\""
          + escape(request.getContextPath())
          + "/login\">sign in again</a> first.</p>";
    }
    return (error == null ? "" : "<p class=\"error\">" + escape(error) + "</p>")
        + "<form method=\"post\" action=\""
        + escape(request.getContextPath() + LoginSteps.PASSKEYS_PAGE)
        + "/confirm\"><label for=\"password\">To add a passkey, confirm your password</label>"
        + "<input id=\"password\" name=\"password\" type=\"password\" required"
        + " autocomplete=\"current-password\">"
        + csrf(request)
        + "<button type=\"submit\" id=\"confirm-password\">Confirm</button></form>";
  }

  @PostMapping(path = LoginSteps.PASSKEYS_PAGE + "/confirm", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> confirmPassword(
      @RequestParam(defaultValue = "") String password,
      HttpServletRequest request,
      HttpServletResponse response) {
    UserAccount user = currentUser();
    try {
      passwords.authenticate(
          org.springframework.security.authentication.UsernamePasswordAuthenticationToken
              .unauthenticated(user.username(), password));
    } catch (org.springframework.security.core.AuthenticationException refused) {
      // The provider counted the failure towards the lock-out.
      return html(
          HttpStatus.BAD_REQUEST,
          page(
              "Passkeys and security keys",
              confirmForm(request, user, "That password was not accepted.")));
    }
    LoginSteps.updateAuthorities(
        request,
        response,
        authorities -> {
          authorities.removeIf(
              a -> FactorGrantedAuthority.PASSWORD_AUTHORITY.equals(a.getAuthority()));
          authorities.add(
              FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY));
        });
    return redirect(request.getContextPath() + LoginSteps.PASSKEYS_PAGE);
  }

  @PostMapping(path = LoginSteps.PASSKEYS_PAGE + "/delete", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> deletePasskey(
      @RequestParam(defaultValue = "") String id, HttpServletRequest request) {
    if (!passkeys.delete(currentUser().username(), id)) {
      return html(
          HttpStatus.NOT_FOUND,
          page("Passkeys and security keys", "<p class=\"error\">You have no such passkey.</p>"));
    }
    return redirect(request.getContextPath() + LoginSteps.PASSKEYS_PAGE);
  }

  @GetMapping(path = "/account/clients", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> clientForm(HttpServletRequest request) {
    return html(HttpStatus.OK, clientPage(request, currentUser(), null));
  }

  @PostMapping(path = "/account/clients", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> clientSubmit(
      @RequestParam(defaultValue = "") String name,
      @RequestParam(defaultValue = "") List<String> roles,
      HttpServletRequest request) {
    UserAccount user = currentUser();
    Caller caller = callerOf(user);
    if (!caller.can(Permission.CLIENT_MANAGE)) {
      return html(
          HttpStatus.FORBIDDEN,
          clientPage(request, user, "Your roles do not allow managing clients."));
    }
    Set<Role> granted = EnumSet.noneOf(Role.class);
    roles.forEach(r -> Role.parse(r).ifPresent(granted::add));
    if (name.isBlank() || name.length() > 200 || granted.isEmpty()) {
      return html(
          HttpStatus.BAD_REQUEST,
          clientPage(request, user, "Give the client a name and at least one role."));
    }
    ClientService.Created created;
    try {
      policies.require(caller, "client:manage", Map.of("tenant", user.tenant().toString()));
      created = clients.register(caller, user.tenant(), name.strip(), granted);
    } catch (ProblemException e) {
      return html(HttpStatus.valueOf(e.type().status()), clientPage(request, user, e.detail()));
    }
    String issuer =
        request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
    return html(
        HttpStatus.OK,
        page(
            "Client created",
            "<p>Client id: <code>"
                + escape(created.client().clientId())
                + "</code><br>Secret: <code>"
                + escape(created.clientSecret())
                + "</code></p><p>The secret is shown only now. Get a token with:</p><pre>curl -s -u "
                + escape(created.client().clientId() + ":" + created.clientSecret())
                + " -d grant_type=client_credentials "
                + escape(issuer)
                + "/oauth2/token</pre><p><a href=\"/account\">Back to your account</a></p>"));
  }

  private static String clientPage(
      HttpServletRequest request, UserAccount user, @Nullable String error) {
    StringBuilder options = new StringBuilder();
    for (Role role : Role.values()) {
      if (role == Role.PLATFORM_ADMIN && !user.roles().contains(Role.PLATFORM_ADMIN)) {
        continue;
      }
      options
          .append("<label><input type=\"checkbox\" name=\"roles\" value=\"")
          .append(escape(role.value()))
          .append("\" style=\"width:auto\"> ")
          .append(escape(role.value()))
          .append("</label>");
    }
    return page(
        "New API client",
        (error == null ? "" : "<p class=\"error\">" + escape(error) + "</p>")
            + "<p>A client acts for itself (client-credentials grant): a script, a service, a"
            + " federated-learning node. It belongs to your tenant.</p>"
            + "<form method=\"post\" action=\"/account/clients\"><label for=\"name\">Name</label>"
            + "<input id=\"name\" name=\"name\" required maxlength=\"200\">"
            + "<p>Roles</p>"
            + options
            + csrf(request)
            + "<button type=\"submit\">Create</button></form>");
  }

  private static Caller callerOf(UserAccount user) {
    return new Caller(
        user.username(),
        "account-pages",
        user.tenant(),
        user.roles(),
        Role.permissionsOf(user.roles()),
        List.of("pwd"));
  }

  private UserAccount currentUser() {
    return users
        .findByUsername(currentAuthentication().getName())
        .orElseThrow(() -> new IllegalStateException("signed-in user no longer exists"));
  }

  private static Authentication currentAuthentication() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null) {
      throw new IllegalStateException("no signed-in user");
    }
    return authentication;
  }

  private static ResponseEntity<String> html(HttpStatus status, String body) {
    return ResponseEntity.status(status)
        .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
        .header("Cache-Control", "no-store")
        .body(body);
  }

  private static ResponseEntity<String> redirect(String location) {
    return ResponseEntity.status(HttpStatus.FOUND).header("Location", location).build();
  }
}
