package io.truststram.identity.internal.user;

import io.truststram.identity.internal.IdentityProperties;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.oidc.OidcScopes;

/**
 * The external providers as Spring Security client registrations, each built from its discovery
 * document when first needed rather than at start-up, so that a provider that is down does not stop
 * TrustStram (its sign-in link just fails until it is back).
 */
public final class ProviderRegistrations
    implements ClientRegistrationRepository, Iterable<ClientRegistration> {

  private static final Logger log = LoggerFactory.getLogger(ProviderRegistrations.class);

  private final List<IdentityProperties.OidcProvider> providers;
  private final Map<String, ClientRegistration> resolved = new ConcurrentHashMap<>();

  public ProviderRegistrations(List<IdentityProperties.OidcProvider> providers) {
    this.providers = List.copyOf(providers);
  }

  /** Whether any provider is configured. */
  public boolean any() {
    return !providers.isEmpty();
  }

  @Override
  public @Nullable ClientRegistration findByRegistrationId(String registrationId) {
    ClientRegistration known = resolved.get(registrationId);
    if (known != null) {
      return known;
    }
    for (IdentityProperties.OidcProvider provider : providers) {
      if (provider.name().equals(registrationId)) {
        try {
          ClientRegistration registration =
              ClientRegistrations.fromIssuerLocation(provider.issuerUri().toString())
                  .registrationId(provider.name())
                  .clientName(provider.name())
                  .clientId(provider.clientId())
                  .clientSecret(provider.clientSecret())
                  .scope(OidcScopes.OPENID, OidcScopes.PROFILE)
                  .build();
          resolved.put(registrationId, registration);
          return registration;
        } catch (RuntimeException e) {
          log.warn(
              "OpenID provider {} is unreachable or invalid: {}", provider.name(), e.toString());
          return null;
        }
      }
    }
    return null;
  }

  @Override
  public Iterator<ClientRegistration> iterator() {
    List<ClientRegistration> all = new ArrayList<>();
    for (IdentityProperties.OidcProvider provider : providers) {
      ClientRegistration registration = findByRegistrationId(provider.name());
      if (registration != null) {
        all.add(registration);
      }
    }
    return all.iterator();
  }
}
