package io.truststram.identity.internal.mfa;

import io.truststram.identity.internal.user.UserAccount;
import io.truststram.identity.internal.user.UserService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationRequestToken;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;

/**
 * The passkeys and security keys (WebAuthn credentials) of users, and signing in with one.
 *
 * <p>Spring Security runs the WebAuthn ceremonies (options, registration, assertion checks with
 * webauthn4j); this class decides who the verified assertion signs in. It refuses users who are
 * disabled or locked out, and signs in the others with the same kind of authentication a password
 * gives ({@link UsernamePasswordAuthenticationToken} with a {@link User}), carrying the {@code
 * FACTOR_WEBAUTHN} authority: the authorization server stores that kind, and a passkey proved after
 * a password adds its factor to the password's.
 */
public final class Passkeys implements AuthenticationProvider {

  private final PublicKeyCredentialUserEntityRepository entities;
  private final UserCredentialRepository credentials;
  private final WebAuthnRelyingPartyOperations relyingParty;
  private final UserService users;
  private final Clock clock;

  public Passkeys(
      PublicKeyCredentialUserEntityRepository entities,
      UserCredentialRepository credentials,
      WebAuthnRelyingPartyOperations relyingParty,
      UserService users,
      Clock clock) {
    this.entities = entities;
    this.credentials = credentials;
    this.relyingParty = relyingParty;
    this.users = users;
    this.clock = clock;
  }

  /**
   * One registered credential as the account page shows it.
   *
   * @param id the credential id, base64url
   * @param label the name the user gave it
   * @param created when it was registered
   * @param lastUsed when it last signed in
   */
  public record Passkey(String id, String label, Instant created, @Nullable Instant lastUsed) {}

  /** The passkeys of {@code username}, oldest first. */
  public List<Passkey> list(String username) {
    List<Passkey> passkeys = new ArrayList<>();
    for (CredentialRecord record : records(username)) {
      passkeys.add(
          new Passkey(
              record.getCredentialId().toBase64UrlString(),
              record.getLabel(),
              record.getCreated(),
              record.getLastUsed()));
    }
    passkeys.sort(Comparator.comparing(Passkey::created));
    return passkeys;
  }

  /** Whether {@code username} has at least one passkey. */
  public boolean any(String username) {
    return !records(username).isEmpty();
  }

  /**
   * Deletes the passkey {@code credentialId} of {@code username}; false when the user has no such
   * passkey (someone else's credential id included).
   */
  public boolean delete(String username, String credentialId) {
    for (CredentialRecord record : records(username)) {
      if (record.getCredentialId().toBase64UrlString().equals(credentialId)) {
        credentials.delete(record.getCredentialId());
        return true;
      }
    }
    return false;
  }

  /** Deletes every passkey of {@code username}; how many there were. */
  public int deleteAll(String username) {
    PublicKeyCredentialUserEntity entity = entities.findByUsername(username);
    if (entity == null) {
      return 0;
    }
    int count = credentials.findByUserId(entity.getId()).size();
    entities.delete(entity.getId()); // its credentials go with it (ON DELETE CASCADE)
    return count;
  }

  private List<CredentialRecord> records(String username) {
    PublicKeyCredentialUserEntity entity = entities.findByUsername(username);
    return entity == null ? List.of() : credentials.findByUserId(entity.getId());
  }

  @Override
  public Authentication authenticate(Authentication attempt) throws AuthenticationException {
    WebAuthnAuthenticationRequestToken request = (WebAuthnAuthenticationRequestToken) attempt;
    PublicKeyCredentialUserEntity entity;
    try {
      entity = relyingParty.authenticate(request.getWebAuthnRequest());
    } catch (RuntimeException e) {
      throw new BadCredentialsException("the passkey's assertion was not accepted", e);
    }
    UserDetails user = loadUser(entity.getName());
    List<GrantedAuthority> authorities = new ArrayList<>(user.getAuthorities());
    authorities.add(
        FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.WEBAUTHN_AUTHORITY));
    User principal = new User(user.getUsername(), "", authorities);
    return UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities);
  }

  /**
   * The accounts passkeys sign in, for Spring Security's WebAuthn configuration, which insists on
   * one. Deliberately not a bean (nor is this class one): a {@code UserDetailsService} bean makes
   * Spring Security add a password provider of its own beside ours, one that knows nothing of the
   * lock-out.
   */
  public UserDetailsService accounts() {
    return this::loadUser;
  }

  /** The account a verified passkey signs in, refused when it is disabled or locked out. */
  private UserDetails loadUser(String username) {
    UserAccount account =
        users
            .findByUsername(username)
            .orElseThrow(() -> new UsernameNotFoundException("no such user"));
    if (account.status() != UserAccount.Status.ACTIVE) {
      throw new DisabledException("the account is disabled");
    }
    if (account.lockedAt(clock.instant())) {
      throw new LockedException("the account is locked after failed sign-ins");
    }
    return new User(account.username(), "", List.of());
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return WebAuthnAuthenticationRequestToken.class.isAssignableFrom(authentication);
  }
}
