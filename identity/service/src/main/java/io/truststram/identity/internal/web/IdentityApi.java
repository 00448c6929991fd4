package io.truststram.identity.internal.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import io.truststram.common.tenant.TenantId;
import io.truststram.identity.IdentityProblems;
import io.truststram.identity.Tenants;
import io.truststram.identity.internal.Grants;
import io.truststram.identity.internal.client.ClientService;
import io.truststram.identity.internal.mfa.MfaPolicies;
import io.truststram.identity.internal.mfa.MfaService;
import io.truststram.identity.internal.mfa.Passkeys;
import io.truststram.identity.internal.oauth.SigningKeys;
import io.truststram.identity.internal.oauth.UserAuthorizations;
import io.truststram.identity.internal.policy.PolicyService;
import io.truststram.identity.internal.user.UserAccount;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import io.truststram.platform.security.Permission;
import io.truststram.platform.security.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * REST API of the identity service: users and clients of a tenant, and the caller's own account.
 * Everything is scoped to the caller's tenant; a platform-admin may name another with {@code
 * tenantId}.
 */
@RestController
@RequestMapping(path = "/api/v1/identity", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Identity", description = "Users, OAuth clients and your own account")
class IdentityApi {

  private static final org.slf4j.Logger audit =
      org.slf4j.LoggerFactory.getLogger("io.truststram.security.keys");

  private final UserService users;
  private final UserAuthorizations authorizations;
  private final MfaService mfa;
  private final Passkeys passkeys;
  private final ClientService clients;
  private final SigningKeys signingKeys;
  private final MfaPolicies mfaPolicies;
  private final Tenants tenants;
  private final PolicyService accessPolicies;

  IdentityApi(
      UserService users,
      ClientService clients,
      SigningKeys signingKeys,
      MfaPolicies mfaPolicies,
      Tenants tenants,
      PolicyService accessPolicies,
      UserAuthorizations authorizations,
      MfaService mfa,
      Passkeys passkeys) {
    this.authorizations = authorizations;
    this.mfa = mfa;
    this.passkeys = passkeys;
    this.users = users;
    this.clients = clients;
    this.signingKeys = signingKeys;
    this.mfaPolicies = mfaPolicies;
    this.tenants = tenants;
    this.accessPolicies = accessPolicies;
  }

  // ---- the caller

  @GetMapping("/me")
  @PreAuthorize("isAuthenticated()")
  @Operation(summary = "Who the access token belongs to: subject, tenant, roles, permissions")
  MeView me() {
    Caller caller = CurrentPrincipal.require();
    return new MeView(
        caller.subject(),
        caller.clientId(),
        caller.tenant().toString(),
        caller.roles().stream().map(Role::value).sorted().toList(),
        caller.permissions().stream().map(Permission::value).sorted().toList(),
        caller.authenticationMethods());
  }

  @PutMapping(path = "/me/password", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("isAuthenticated()")
  @Operation(summary = "Change your own password (users only)")
  ResponseEntity<Void> changePassword(@Valid @RequestBody PasswordChange body) {
    Caller caller = CurrentPrincipal.require();
    if (users.findByUsername(caller.subject()).isEmpty()) {
      throw new ProblemException(
          ProblemTypes.FORBIDDEN, "Only a user signed in with a password has a password.");
    }
    users.changePassword(caller.subject(), body.current(), body.password());
    return ResponseEntity.noContent().build();
  }

  // ---- users

  @PostMapping(path = "/users", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('user:manage')")
  @Operation(
      summary = "Register a user",
      description =
          "Creates the user with a one-time password, returned once in this response; the user"
              + " must change it at first sign-in.")
  ResponseEntity<RegisteredUserView> register(
      @Valid @RequestBody NewUser body, UriComponentsBuilder uri) {
    Caller caller = CurrentPrincipal.require();
    TenantId tenant = tenantOr(caller, body.tenantId());
    accessPolicies.require(caller, "user:manage", Map.of("tenant", tenant.toString()));
    UserService.Registered registered =
        users.register(caller, tenant, body.username(), body.displayName(), roles(body.roles()));
    UserView view = UserView.of(registered.user());
    return ResponseEntity.created(
            uri.path("/api/v1/identity/users/{id}").buildAndExpand(view.id()).toUri())
        .body(new RegisteredUserView(view, registered.oneTimePassword()));
  }

  @GetMapping("/users")
  @PreAuthorize("hasAuthority('user:read')")
  @Operation(summary = "List the users of your tenant (or of tenantId, for a platform-admin)")
  UserPage listUsers(
      @RequestParam(required = false) @Nullable String tenantId,
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    Caller caller = CurrentPrincipal.require();
    Page<UserView> page =
        users
            .list(caller, tenantOr(caller, tenantId), PageRequest.of(limit, cursor))
            .map(UserView::of);
    return new UserPage(page.items(), page.nextCursor());
  }

  @GetMapping("/users/{id}")
  @PreAuthorize("hasAuthority('user:read')")
  @Operation(summary = "Get a user")
  UserView getUser(@PathVariable String id) {
    return users
        .find(CurrentPrincipal.require(), userId(id))
        .map(UserView::of)
        .orElseThrow(() -> userNotFound(id));
  }

  @PutMapping(path = "/users/{id}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('user:manage')")
  @Operation(
      summary =
          "Enable or disable a user; disabling ends their sessions and revokes their tokens at once")
  UserView setStatus(@PathVariable String id, @Valid @RequestBody StatusChange body) {
    UserAccount.Status status = UserAccount.Status.valueOf(body.status().toUpperCase(Locale.ROOT));
    UserAccount user = users.setStatus(CurrentPrincipal.require(), userId(id), status);
    if (status == UserAccount.Status.DISABLED) {
      authorizations.revokeAll(user.username());
    }
    return UserView.of(user);
  }

  @PostMapping("/users/{id}/unlock")
  @PreAuthorize("hasAuthority('user:manage')")
  @Operation(summary = "Lift a lock-out after failed sign-ins")
  UserView unlock(@PathVariable String id) {
    return UserView.of(users.unlock(CurrentPrincipal.require(), userId(id)));
  }

  @PostMapping("/users/{id}/password-reset")
  @PreAuthorize("hasAuthority('user:manage')")
  @Operation(
      summary = "Give a user a new one-time password, returned once; their tokens are revoked")
  RegisteredUserView resetPassword(@PathVariable String id) {
    UserService.Registered reset = users.resetPassword(CurrentPrincipal.require(), userId(id));
    authorizations.revokeAll(reset.user().username());
    return new RegisteredUserView(UserView.of(reset.user()), reset.oneTimePassword());
  }

  @DeleteMapping("/users/{id}/second-factors")
  @PreAuthorize("hasAuthority('user:manage')")
  @Operation(
      summary =
          "Remove a user's TOTP, recovery codes and passkeys (a lost device); their tokens are"
              + " revoked, and their next sign-in enrols a second factor again where one is"
              + " required")
  UserView resetSecondFactors(@PathVariable String id) {
    Caller caller = CurrentPrincipal.require();
    UserAccount user = users.requireManageable(caller, userId(id));
    mfa.disable(user);
    int removed = passkeys.deleteAll(user.username());
    authorizations.revokeAll(user.username());
    audit.info(
        "second factors of {} removed by {} (TOTP, {} passkeys)",
        user.id(),
        caller.subject(),
        removed);
    return UserView.of(users.requireManageable(caller, user.id()));
  }

  // ---- clients

  @PostMapping(path = "/clients", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('client:manage')")
  @Operation(
      summary = "Register a client for the client-credentials grant",
      description =
          "For services and federated-learning client nodes. The secret is returned once, in this"
              + " response.")
  ResponseEntity<CreatedClientView> registerClient(
      @Valid @RequestBody NewClient body, UriComponentsBuilder uri) {
    Caller caller = CurrentPrincipal.require();
    accessPolicies.require(
        caller, "client:manage", Map.of("tenant", tenantOr(caller, body.tenantId()).toString()));
    ClientService.Created created =
        clients.register(
            caller,
            tenantOr(caller, body.tenantId()),
            body.name(),
            roles(body.roles()),
            body.redirectUris() == null ? List.of() : redirectUris(body.redirectUris()));
    ClientView view = ClientView.of(created.client());
    return ResponseEntity.created(
            uri.path("/api/v1/identity/clients/{id}").buildAndExpand(view.clientId()).toUri())
        .body(new CreatedClientView(view, created.clientSecret()));
  }

  @GetMapping("/clients")
  @PreAuthorize("hasAuthority('client:read')")
  @Operation(summary = "List the clients of your tenant (or of tenantId, for a platform-admin)")
  ClientPage listClients(
      @RequestParam(required = false) @Nullable String tenantId,
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    Caller caller = CurrentPrincipal.require();
    Page<ClientView> page =
        clients
            .list(caller, tenantOr(caller, tenantId), PageRequest.of(limit, cursor))
            .map(ClientView::of);
    return new ClientPage(page.items(), page.nextCursor());
  }

  @GetMapping("/clients/{clientId}")
  @PreAuthorize("hasAuthority('client:read')")
  @Operation(summary = "Get a client")
  ClientView getClient(@PathVariable String clientId) {
    return clients
        .find(CurrentPrincipal.require(), clientId)
        .map(ClientView::of)
        .orElseThrow(
            () ->
                new ProblemException(
                    IdentityProblems.CLIENT_NOT_FOUND,
                    "No client has id '" + shown(clientId) + "'"));
  }

  @DeleteMapping("/clients/{clientId}")
  @PreAuthorize("hasAuthority('client:manage')")
  @Operation(summary = "Delete a client: it can obtain no new token")
  ResponseEntity<Void> deleteClient(@PathVariable String clientId) {
    clients.delete(CurrentPrincipal.require(), clientId);
    return ResponseEntity.noContent().build();
  }

  // ---- second-factor policy

  @GetMapping("/mfa-policy")
  @PreAuthorize("hasAuthority('policy:read')")
  @Operation(
      summary = "Which roles of your tenant (or tenantId's) must sign in with a second factor")
  MfaPolicyView mfaPolicy(@RequestParam(required = false) @Nullable String tenantId) {
    TenantId tenant = visibleTenant(CurrentPrincipal.require(), tenantId);
    return MfaPolicyView.of(tenant, mfaPolicies.requiredRoles(tenant));
  }

  @PutMapping(path = "/mfa-policy", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('policy:manage')")
  @Operation(
      summary = "Require a second factor for some roles",
      description =
          "Users holding one of these roles must enrol TOTP at their next sign-in and prove a code"
              + " every time after.")
  MfaPolicyView setMfaPolicy(@Valid @RequestBody MfaPolicyChange body) {
    Caller caller = CurrentPrincipal.require();
    TenantId tenant = visibleTenant(caller, body.tenantId());
    Set<Role> roles = roles(body.requiredForRoles());
    mfaPolicies.replace(tenant, roles);
    audit.info("second factor required for {} in tenant {} by {}", roles, tenant, caller.subject());
    return MfaPolicyView.of(tenant, roles);
  }

  private TenantId visibleTenant(Caller caller, @Nullable String tenantId) {
    TenantId tenant = tenantOr(caller, tenantId);
    Grants.requireVisibleTenant(caller, tenant, tenants);
    return tenant;
  }

  // ---- attribute-based access policies

  @GetMapping("/policies")
  @PreAuthorize("hasAuthority('policy:read')")
  @Operation(summary = "Your tenant's attribute-based access policies (or tenantId's)")
  PolicySet policies(@RequestParam(required = false) @Nullable String tenantId) {
    TenantId tenant = visibleTenant(CurrentPrincipal.require(), tenantId);
    return new PolicySet(
        tenant.toString(),
        accessPolicies.policies(tenant).stream().map(PolicyService.PolicyJson::of).toList());
  }

  @PutMapping(path = "/policies", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('policy:manage')")
  @Operation(
      summary = "Replace your tenant's access policies",
      description =
          "Rules on attributes of the caller (principal.*), the resource (resource.*) and the"
              + " request (request.*), applied after the permission check. See docs/identity.md.")
  PolicySet replacePolicies(@Valid @RequestBody PolicyChange body) {
    Caller caller = CurrentPrincipal.require();
    TenantId tenant = visibleTenant(caller, body.tenantId());
    accessPolicies.require(caller, "policy:manage", Map.of("tenant", tenant.toString()));
    var replaced = accessPolicies.replace(caller, tenant, body.policies());
    return new PolicySet(
        tenant.toString(), replaced.stream().map(PolicyService.PolicyJson::of).toList());
  }

  @PostMapping(path = "/policies/explain", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('policy:read')")
  @Operation(
      summary = "Why would this be allowed or denied?",
      description =
          "Evaluates an action for you, or for the principal attributes you give, against your"
              + " tenant's roles and policies, and shows every rule and condition that applied.")
  Explanation explain(@Valid @RequestBody ExplainRequest body) {
    Caller caller = CurrentPrincipal.require();
    Map<String, @Nullable Object> principal =
        new java.util.LinkedHashMap<>(PolicyService.principal(caller));
    if (body.principal() != null) {
      body.principal()
          .forEach(
              (k, v) -> {
                if (!"tenant".equals(k)) {
                  principal.put(k, v);
                }
              });
    }
    boolean permitted =
        Permission.parse(body.action())
            .map(
                p ->
                    rolesOf(principal.get("roles")).stream()
                        .anyMatch(r -> r.permissions().contains(p)))
            .orElse(false);
    var decision =
        accessPolicies.explain(
            caller.tenant(),
            body.action(),
            accessPolicies.attributes(
                principal,
                body.resource() == null ? Map.of() : body.resource(),
                body.request() == null ? Map.of() : body.request()));
    return new Explanation(
        body.action(),
        permitted && decision.allowed(),
        permitted,
        decision.refusedBy(),
        decision.rules());
  }

  private static Set<Role> rolesOf(@Nullable Object value) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (value instanceof java.util.Collection<?> list) {
      list.forEach(r -> Role.parse(String.valueOf(r)).ifPresent(roles::add));
    }
    return roles;
  }

  // ---- signing keys

  @PostMapping("/signing-keys/rotate")
  @PreAuthorize("hasAuthority('signing-key:manage')")
  @Operation(
      summary = "Rotate the token signing key now",
      description =
          "For a suspected compromise or a planned change. New tokens are signed with a new key;"
              + " the previous key stays in the JWKS until the tokens it signed have expired.")
  Map<String, String> rotateSigningKey() {
    String kid = signingKeys.rotateNow();
    audit.info("token signing key rotated to {} by {}", kid, CurrentPrincipal.require().subject());
    return Map.of("activeKeyId", kid);
  }

  // ---- helpers

  private static TenantId tenantOr(Caller caller, @Nullable String tenantId) {
    if (tenantId == null) {
      return caller.tenant();
    }
    try {
      return TenantId.parse(tenantId);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          ProblemTypes.INVALID_PARAMETER, "tenantId is not a tenant id: '" + shown(tenantId) + "'");
    }
  }

  private static Set<Role> roles(List<String> names) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : names) {
      roles.add(
          Role.parse(name)
              .orElseThrow(
                  () ->
                      new ProblemException(
                          ProblemTypes.VALIDATION_FAILED,
                          "Unknown role '"
                              + shown(name)
                              + "'; roles are "
                              + List.of(Role.values()))));
    }
    return roles;
  }

  /**
   * Redirect URIs must be absolute, without fragment, and https unless they point at the loopback
   * interface (RFC 8252 section 8.3).
   */
  private static List<String> redirectUris(List<String> uris) {
    for (String uri : uris) {
      java.net.URI parsed;
      try {
        parsed = new java.net.URI(uri);
      } catch (java.net.URISyntaxException e) {
        throw invalidRedirect(uri);
      }
      String host = parsed.getHost();
      boolean loopback =
          "127.0.0.1".equals(host) || "[::1]".equals(host) || "localhost".equals(host);
      boolean secure =
          "https".equals(parsed.getScheme()) || ("http".equals(parsed.getScheme()) && loopback);
      if (!parsed.isAbsolute() || parsed.getFragment() != null || host == null || !secure) {
        throw invalidRedirect(uri);
      }
    }
    return uris;
  }

  private static ProblemException invalidRedirect(String uri) {
    return new ProblemException(
        ProblemTypes.VALIDATION_FAILED,
        "redirectUris: '"
            + shown(uri)
            + "' must be an absolute https URL (http only on the loopback interface), without a"
            + " fragment");
  }

  private static UUID userId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw userNotFound(id);
    }
  }

  private static ProblemException userNotFound(String id) {
    return new ProblemException(
        IdentityProblems.USER_NOT_FOUND, "No user has id '" + shown(id) + "'");
  }

  private static String shown(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "..." : value;
  }

  // ---- bodies and views

  record NewUser(
      @NotNull @Pattern(
              regexp = UserService.USERNAME_REGEX,
              message = "must be 3 to 254 lower-case letters, digits or . _ @ + -")
          String username,
      @NotNull @Size(min = 1, max = 200) String displayName,
      @NotEmpty @Size(max = 6) List<@NotNull String> roles,
      @Nullable String tenantId) {}

  record NewClient(
      @NotNull @Size(min = 1, max = 200) String name,
      @NotEmpty @Size(max = 6) List<@NotNull String> roles,
      @Nullable String tenantId,
      @Nullable @Size(max = 10) List<@NotNull @Size(max = 500) String> redirectUris) {}

  record PasswordChange(
      @NotNull @Size(max = 1024) String current, @NotNull @Size(max = 1024) String password) {}

  record StatusChange(
      @NotNull @Pattern(regexp = "active|disabled", message = "must be active or disabled") String status) {}

  record MeView(
      String subject,
      String clientId,
      String tenantId,
      List<String> roles,
      List<String> permissions,
      List<String> authenticationMethods) {}

  record UserView(
      String id,
      String tenantId,
      String username,
      String displayName,
      List<String> roles,
      String status,
      boolean locked,
      boolean mustChangePassword,
      boolean totpEnabled,
      Instant createdAt) {
    static UserView of(UserAccount user) {
      return new UserView(
          user.id().toString(),
          user.tenant().toString(),
          user.username(),
          user.displayName(),
          user.roles().stream().map(Role::value).sorted().toList(),
          user.status().name().toLowerCase(Locale.ROOT),
          user.lockedAt(Instant.now()),
          user.mustChangePassword(),
          user.totpEnabled(),
          user.createdAt());
    }
  }

  record RegisteredUserView(UserView user, String oneTimePassword) {}

  record UserPage(List<UserView> items, @Nullable String nextCursor) {}

  record ClientView(
      String clientId, String tenantId, String name, List<String> roles, Instant createdAt) {
    static ClientView of(ClientService.Client client) {
      return new ClientView(
          client.clientId(),
          client.tenant().toString(),
          client.name(),
          client.roles().stream().map(Role::value).sorted().toList(),
          client.createdAt());
    }
  }

  record CreatedClientView(ClientView client, String clientSecret) {}

  record MfaPolicyChange(
      @NotNull @Size(max = 6) List<@NotNull String> requiredForRoles, @Nullable String tenantId) {}

  record PolicyChange(
      @NotNull @Size(max = PolicyService.MAX_POLICIES) List<PolicyService.@NotNull PolicyJson> policies,
      @Nullable String tenantId) {}

  record PolicySet(String tenantId, List<PolicyService.PolicyJson> policies) {}

  record ExplainRequest(
      @NotNull @Size(min = 1, max = 100) String action,
      @Nullable Map<String, @Nullable Object> principal,
      @Nullable Map<String, @Nullable Object> resource,
      @Nullable Map<String, @Nullable Object> request) {}

  record Explanation(
      String action,
      boolean allowed,
      boolean permissionGranted,
      List<String> refusedBy,
      List<io.truststram.identity.internal.policy.PolicyEngine.RuleResult> rules) {}

  record MfaPolicyView(String tenantId, List<String> requiredForRoles) {
    static MfaPolicyView of(TenantId tenant, Set<Role> roles) {
      return new MfaPolicyView(
          tenant.toString(), roles.stream().map(Role::value).sorted().toList());
    }
  }

  record ClientPage(List<ClientView> items, @Nullable String nextCursor) {}
}
