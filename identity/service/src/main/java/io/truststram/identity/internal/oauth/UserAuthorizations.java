package io.truststram.identity.internal.oauth;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * Everything the authorization server issued to one user, ended at once: used when a user is
 * disabled or their password reset by an administrator. Each authorization goes, so its refresh
 * token stops working, and its access token is put on the revocation list that every instance
 * checks, so it stops working before it expires.
 */
public final class UserAuthorizations {

  private final JdbcClient jdbc;
  private final OAuth2AuthorizationService authorizations;

  UserAuthorizations(JdbcClient jdbc, OAuth2AuthorizationService authorizations) {
    this.jdbc = jdbc;
    this.authorizations = authorizations;
  }

  /** Revokes every authorization of {@code username}; how many there were. */
  public int revokeAll(String username) {
    List<String> ids =
        jdbc.sql("SELECT id FROM oauth2_authorization WHERE principal_name = ?")
            .param(username)
            .query(String.class)
            .list();
    int revoked = 0;
    for (String id : ids) {
      OAuth2Authorization authorization = authorizations.findById(id);
      if (authorization != null) {
        authorizations.remove(authorization);
        revoked++;
      }
    }
    return revoked;
  }
}
