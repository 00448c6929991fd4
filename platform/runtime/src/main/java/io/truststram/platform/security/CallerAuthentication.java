package io.truststram.platform.security;

import java.util.Collection;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** A verified access token together with the {@link Caller} read from it. */
public final class CallerAuthentication extends JwtAuthenticationToken {

  private final Caller caller;

  CallerAuthentication(Jwt jwt, Collection<? extends GrantedAuthority> authorities, Caller caller) {
    super(jwt, authorities, caller.subject());
    this.caller = caller;
  }

  /** The caller. */
  public Caller caller() {
    return caller;
  }

  @Override
  public boolean equals(Object other) {
    return super.equals(other);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }
}
