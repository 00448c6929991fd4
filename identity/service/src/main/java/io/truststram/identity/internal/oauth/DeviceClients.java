package io.truststram.identity.internal.oauth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Public clients in the device authorization grant (RFC 8628), such as the CLI: they identify
 * themselves by {@code client_id} alone at the device authorization endpoint and when they poll the
 * token endpoint with their device code. Spring Authorization Server authenticates public clients
 * only with PKCE, which this grant has no place for; these two pieces fill the gap, for requests of
 * this grant only and for clients registered for it with no secret.
 */
final class DeviceClients {

  static final String DEVICE_AUTHORIZATION_ENDPOINT = "/oauth2/device_authorization";

  private DeviceClients() {}

  /** Turns a secretless device-grant request into a client authentication attempt. */
  static final class Converter implements AuthenticationConverter {
    @Override
    public @Nullable Authentication convert(HttpServletRequest request) {
      if (!"POST".equals(request.getMethod()) || !isDeviceGrantRequest(request)) {
        return null;
      }
      String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
      if (clientIds == null
          || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
          || request.getParameter("client_assertion") != null
          || request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
        return null; // a confidential client: the usual converters take it
      }
      if (clientIds.length != 1 || clientIds[0].isBlank()) {
        throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_REQUEST);
      }
      return new Attempt(clientIds[0]);
    }

    private static boolean isDeviceGrantRequest(HttpServletRequest request) {
      String path = request.getRequestURI().substring(request.getContextPath().length());
      return path.equals(DEVICE_AUTHORIZATION_ENDPOINT)
          || (path.equals("/oauth2/token")
              && AuthorizationGrantType.DEVICE_CODE
                  .getValue()
                  .equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE)));
    }
  }

  /** Accepts the attempt when the client is registered for this grant without a secret. */
  static final class Provider implements AuthenticationProvider {
    private final RegisteredClientRepository clients;

    Provider(RegisteredClientRepository clients) {
      this.clients = clients;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
      Attempt attempt = (Attempt) authentication;
      RegisteredClient client = clients.findByClientId(attempt.getPrincipal().toString());
      if (client == null
          || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
          || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.DEVICE_CODE)) {
        throw new OAuth2AuthenticationException(
            new OAuth2Error(
                OAuth2ErrorCodes.INVALID_CLIENT,
                "this client may not use the device authorization grant without a secret",
                null));
      }
      return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
    }

    @Override
    public boolean supports(Class<?> authentication) {
      return Attempt.class.isAssignableFrom(authentication);
    }
  }

  /**
   * A device-grant client authentication attempt, before the client is looked up. Its method is one
   * no other provider knows: a refusal here is then the answer, not followed by Spring
   * Authorization Server's public-client provider asking for a PKCE verifier.
   */
  static final class Attempt extends OAuth2ClientAuthenticationToken {
    private static final long serialVersionUID = 1L;
    private static final ClientAuthenticationMethod DEVICE_PUBLIC =
        new ClientAuthenticationMethod("truststram_device_public");

    Attempt(String clientId) {
      super(clientId, DEVICE_PUBLIC, null, Map.of());
    }
  }
}
