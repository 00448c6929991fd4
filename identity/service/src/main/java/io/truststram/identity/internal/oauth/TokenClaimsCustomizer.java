package io.truststram.identity.internal.oauth;

import io.truststram.identity.internal.client.ClientService;
import io.truststram.identity.internal.user.UserAccount;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Role;
import io.truststram.platform.security.TokenClaims;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Puts TrustStram's claims in every token: the signing key id (ES256 for access tokens, RS256 for
 * ID tokens), the audience, the tenant and roles of the subject (a user, or a client acting for
 * itself), and how the user authenticated. Refuses to issue a token (including on refresh) to a
 * user who is disabled or gone.
 */
final class TokenClaimsCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

  private final SigningKeys keys;
  private final UserService users;
  private final ClientService clients;
  private final String audience;

  TokenClaimsCustomizer(
      SigningKeys keys, UserService users, ClientService clients, String audience) {
    this.keys = keys;
    this.users = users;
    this.clients = clients;
    this.audience = audience;
  }

  @Override
  public void customize(JwtEncodingContext context) {
    boolean access = OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType());
    if (access) {
      context.getJwsHeader().algorithm(SignatureAlgorithm.ES256).keyId(keys.accessTokenKeyId());
    } else {
      context.getJwsHeader().keyId(keys.activeKeyId());
    }
    boolean idToken = OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
    if (!access && !idToken) {
      return;
    }
    Authentication principal = context.getPrincipal();
    String clientId = context.getRegisteredClient().getClientId();
    if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
      ClientService.Client client =
          clients.find(clientId).orElseThrow(() -> refuse("this client belongs to no tenant"));
      context
          .getClaims()
          .audience(new ArrayList<>(List.of(audience)))
          .claim(TokenClaims.CLIENT_ID, clientId)
          .claim(TokenClaims.TENANT, client.tenant().toString())
          .claim(TokenClaims.ROLES, roleNames(client.roles()));
      return;
    }
    UserAccount user =
        users
            .findByUsername(principal.getName())
            .filter(u -> u.status() == UserAccount.Status.ACTIVE)
            .orElseThrow(() -> refuse("the user is disabled or no longer exists"));
    // A client registered by a tenant signs in that tenant's users only; the built-in public
    // clients (CLI, console) belong to no tenant and serve every one.
    clients
        .find(clientId)
        .filter(client -> !client.tenant().equals(user.tenant()))
        .ifPresent(
            client -> {
              throw refuse("this client belongs to another tenant");
            });
    List<String> amr = authenticationMethods(principal);
    context
        .getClaims()
        .claim(TokenClaims.TENANT, user.tenant().toString())
        .claim(TokenClaims.AMR, amr)
        .claim("name", user.displayName());
    if (access) {
      context
          .getClaims()
          .audience(new ArrayList<>(List.of(audience)))
          .claim(TokenClaims.CLIENT_ID, clientId)
          .claim(TokenClaims.ROLES, roleNames(user.roles()));
    }
  }

  /** RFC 8176 values for the factors the user proved in this session, always in one order. */
  static List<String> authenticationMethods(Authentication principal) {
    Set<String> proved = new java.util.HashSet<>();
    for (GrantedAuthority authority : principal.getAuthorities()) {
      proved.add(authority.getAuthority());
    }
    List<String> amr = new ArrayList<>();
    if (proved.contains(FactorGrantedAuthority.PASSWORD_AUTHORITY)) {
      amr.add("pwd");
    }
    if (proved.contains(MfaAuthorities.TOTP)) {
      amr.add("otp");
    }
    if (proved.contains(FactorGrantedAuthority.WEBAUTHN_AUTHORITY)) {
      amr.add("hwk");
    }
    if (amr.size() > 1) {
      amr.add("mfa");
    }
    return amr;
  }

  /**
   * Claim values are stored with the authorization as JSON with type information, and Spring
   * Authorization Server's allow-list accepts {@code ArrayList} but not the JDK's immutable lists.
   */
  private static List<String> roleNames(Set<Role> roles) {
    return roles.stream()
        .map(Role::value)
        .sorted()
        .collect(Collectors.toCollection(ArrayList::new));
  }

  private static OAuth2AuthenticationException refuse(String why) {
    return new OAuth2AuthenticationException(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, why, null));
  }
}
