package io.truststram.identity.internal.user;

import io.truststram.identity.Tenant;
import io.truststram.identity.Tenants;
import io.truststram.identity.internal.IdentityProperties;
import io.truststram.platform.security.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ldap.core.DirContextOperations;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.ldap.DefaultSpringSecurityContextSource;
import org.springframework.security.ldap.authentication.BindAuthenticator;
import org.springframework.security.ldap.userdetails.DefaultLdapAuthoritiesPopulator;

/**
 * Sign-in against LDAP or Active Directory directories, by binding as the user. Tried after local
 * passwords fail. A name typed as {@code uid@directory} goes to that directory only; a plain name
 * is tried in each directory in turn. On success the user's groups become TrustStram roles through
 * the configured mapping, and the user is created or updated as {@code uid@directory} in the
 * directory's tenant, without a local password: the directory stays the authority.
 */
public final class LdapLoginProvider implements AuthenticationProvider {

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.login");

  private record Directory(
      IdentityProperties.LdapDirectory settings,
      BindAuthenticator authenticator,
      @Nullable DefaultLdapAuthoritiesPopulator groups) {}

  private final List<Directory> directories = new ArrayList<>();
  private final UserService users;
  private final Tenants tenants;
  private final PasswordLoginProvider lockout;

  public LdapLoginProvider(
      List<IdentityProperties.LdapDirectory> settings,
      UserService users,
      Tenants tenants,
      PasswordLoginProvider lockout) {
    this.users = users;
    this.tenants = tenants;
    this.lockout = lockout;
    for (IdentityProperties.LdapDirectory directory : settings) {
      String url = directory.url().toString();
      DefaultSpringSecurityContextSource context =
          new DefaultSpringSecurityContextSource(
              (url.endsWith("/") ? url : url + "/") + directory.baseDn());
      context.afterPropertiesSet();
      BindAuthenticator authenticator = new BindAuthenticator(context);
      authenticator.setUserDnPatterns(new String[] {directory.userDnPattern()});
      DefaultLdapAuthoritiesPopulator groups = null;
      if (!directory.groupSearchBase().isBlank()) {
        groups = new DefaultLdapAuthoritiesPopulator(context, directory.groupSearchBase());
        groups.setGroupSearchFilter(directory.groupSearchFilter());
        groups.setGroupRoleAttribute("cn");
        groups.setRolePrefix("");
        groups.setConvertToUpperCase(false);
      }
      directories.add(new Directory(directory, authenticator, groups));
    }
  }

  @Override
  public @Nullable Authentication authenticate(Authentication attempt) {
    if (directories.isEmpty()) {
      return null;
    }
    String typed = attempt.getName().strip().toLowerCase(Locale.ROOT);
    String password = String.valueOf(attempt.getCredentials());
    if (password.isEmpty()) {
      throw new BadCredentialsException("Wrong login name or password.");
    }
    for (Directory directory : directories) {
      String name = directory.settings().name();
      String uid = typed;
      if (typed.endsWith("@" + name)) {
        uid = typed.substring(0, typed.length() - name.length() - 1);
      } else if (typed.contains("@")) {
        continue;
      }
      if (!uid.matches("[a-z0-9._-]{1,64}")) {
        continue;
      }
      // TrustStram's own lock-out applies to directory users it already knows, on top of the
      // directory's: a locked account is not even tried against the directory.
      java.util.Optional<UserAccount> known = users.findByUsername(uid + "@" + name);
      if (known.isPresent() && known.get().lockedAt(java.time.Instant.now())) {
        throw new org.springframework.security.authentication.LockedException(
            "Too many failed sign-ins: this account is locked for a while. Try again later.");
      }
      DirContextOperations entry;
      try {
        entry =
            directory
                .authenticator()
                .authenticate(UsernamePasswordAuthenticationToken.unauthenticated(uid, password));
      } catch (AuthenticationException e) {
        known.ifPresent(user -> lockout.recordFailure(user, "directory password"));
        continue;
      } catch (RuntimeException e) {
        audit.warn("directory {} could not be asked: {}", name, e.toString());
        continue;
      }
      return signedIn(directory, uid, entry);
    }
    throw new BadCredentialsException("Wrong login name or password.");
  }

  private Authentication signedIn(Directory directory, String uid, DirContextOperations entry) {
    IdentityProperties.LdapDirectory settings = directory.settings();
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (directory.groups() != null) {
      for (GrantedAuthority group : directory.groups().getGrantedAuthorities(entry, uid)) {
        String role = settings.groupRoles().get(group.getAuthority());
        if (role != null) {
          Role.parse(role).ifPresent(roles::add);
        }
      }
    }
    Tenant tenant =
        tenants
            .findBySlug(settings.tenant())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "LDAP directory "
                            + settings.name()
                            + " names an unknown tenant "
                            + settings.tenant()));
    String username = uid + "@" + settings.name();
    String displayName = entry.getStringAttribute("cn");
    UserAccount user =
        users.provisionFederated(
            tenant.id(), username, displayName == null ? uid : displayName, roles);
    if (user.status() != UserAccount.Status.ACTIVE) {
      throw new DisabledException("This account is disabled.");
    }
    audit.info(
        "sign-in through directory {} for {} with roles {}", settings.name(), user.id(), roles);
    if (!user.totpEnabled()) {
      lockout.recordSuccess(user);
    }
    List<GrantedAuthority> authorities =
        List.of(FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY));
    return UsernamePasswordAuthenticationToken.authenticated(
        new User(username, "", authorities), null, authorities);
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return !directories.isEmpty()
        && UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
