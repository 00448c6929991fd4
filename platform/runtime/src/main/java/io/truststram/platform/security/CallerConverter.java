package io.truststram.platform.security;

import io.truststram.common.tenant.TenantId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Turns a verified access token into a {@link CallerAuthentication}: the roles in the token
 * (unknown ones are ignored, never guessed at) become the permissions they grant, each an authority
 * named as the permission ({@code key:use}), plus {@code ROLE_<role>} authorities.
 */
final class CallerConverter implements Converter<Jwt, AbstractAuthenticationToken> {

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    List<String> claimed = jwt.getClaimAsStringList(TokenClaims.ROLES);
    if (claimed != null) {
      claimed.forEach(r -> Role.parse(r).ifPresent(roles::add));
    }
    Set<Permission> permissions = Role.permissionsOf(roles);
    List<GrantedAuthority> authorities = new ArrayList<>();
    permissions.forEach(p -> authorities.add(new SimpleGrantedAuthority(p.value())));
    roles.forEach(r -> authorities.add(new SimpleGrantedAuthority("ROLE_" + r.value())));
    List<String> amr =
        Optional.ofNullable(jwt.getClaimAsStringList(TokenClaims.AMR)).orElse(List.of());
    String clientId =
        Optional.ofNullable(jwt.getClaimAsString(TokenClaims.CLIENT_ID)).orElse(jwt.getSubject());
    Caller caller =
        new Caller(
            jwt.getSubject(),
            clientId,
            TenantId.parse(jwt.getClaimAsString(TokenClaims.TENANT)),
            roles,
            permissions,
            amr);
    return new CallerAuthentication(jwt, authorities, caller);
  }
}
