package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import io.truststram.TrustStram;
import io.truststram.platform.testing.BrowserLogin;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signing in with a directory password, against an in-process UnboundID LDAP server: the bind
 * decides, groups become roles, and the user exists in TrustStram afterwards without a local
 * password. A changed group membership changes the roles at the next sign-in.
 */
class LdapSignInIntegrationTest {

  private static InMemoryDirectoryServer directory;
  private static ConfigurableApplicationContext app;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    var config = new InMemoryDirectoryServerConfig("dc=example,dc=org");
    config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
    config.setSchema(null);
    directory = new InMemoryDirectoryServer(config);
    directory.add(
        "dn: dc=example,dc=org", "objectClass: top", "objectClass: domain", "dc: example");
    directory.add(
        "dn: ou=people,dc=example,dc=org", "objectClass: organizationalUnit", "ou: people");
    directory.add(
        "dn: ou=groups,dc=example,dc=org", "objectClass: organizationalUnit", "ou: groups");
    directory.add(
        "dn: uid=alice,ou=people,dc=example,dc=org",
        "objectClass: inetOrgPerson",
        "uid: alice",
        "cn: Alice Liddell",
        "sn: Liddell",
        "userPassword: alice-directory-secret");
    directory.add(
        "dn: uid=bob,ou=people,dc=example,dc=org",
        "objectClass: inetOrgPerson",
        "uid: bob",
        "cn: Bob",
        "sn: B",
        "userPassword: bob-directory-secret");
    directory.add(
        "dn: cn=ml-team,ou=groups,dc=example,dc=org",
        "objectClass: groupOfNames",
        "cn: ml-team",
        "member: uid=alice,ou=people,dc=example,dc=org");
    directory.add(
        "dn: cn=auditors,ou=groups,dc=example,dc=org",
        "objectClass: groupOfNames",
        "cn: auditors",
        "member: uid=nobody,ou=people,dc=example,dc=org");
    directory.startListening();
    app =
        new SpringApplicationBuilder(TrustStram.class)
            .profiles("test")
            .run(
                "--server.port=0",
                "--truststram.identity.ldap[0].name=corp",
                "--truststram.identity.ldap[0].url=ldap://127.0.0.1:" + directory.getListenPort(),
                "--truststram.identity.ldap[0].base-dn=dc=example,dc=org",
                "--truststram.identity.ldap[0].user-dn-pattern=uid={0},ou=people",
                "--truststram.identity.ldap[0].group-search-base=ou=groups",
                "--truststram.identity.ldap[0].group-roles.ml-team=data-scientist",
                "--truststram.identity.ldap[0].group-roles.auditors=auditor",
                "--truststram.identity.ldap[0].tenant=system");
    port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
  }

  @AfterAll
  static void stop() {
    app.close();
    directory.shutDown(true);
  }

  private static BrowserLogin.Outcome signIn(String name, String password) {
    return new BrowserLogin("http://localhost:" + port)
        .signIn("truststram-cli", "http://127.0.0.1/callback", name, password, null, null);
  }

  private static JsonNode claims(String jwt) {
    return JsonMapper.builder()
        .build()
        .readTree(
            new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @Test
  void repeatedWrongDirectoryPasswordsLockTheAccountInTrustStramToo() {
    assertThat(signIn("bob", "bob-directory-secret").accessToken()).isNotBlank();
    for (int i = 0; i < 5; i++) {
      assertThat(signIn("bob", "guess-" + i).tokens()).isNull();
    }
    var locked = signIn("bob", "bob-directory-secret");
    assertThat(locked.tokens()).isNull();
    assertThat(locked.lastPage()).contains("/login?error");
  }

  @Test
  void aDirectoryUserSignsInWithRolesFromGroupsAndWrongPasswordsFail() throws Exception {
    var outcome = signIn("alice", "alice-directory-secret");
    JsonNode token = claims(outcome.accessToken());
    assertThat(token.path("sub").asString()).isEqualTo("alice@corp");
    assertThat(token.path("roles").toString()).isEqualTo("[\"data-scientist\"]");
    assertThat(token.path("name").asString()).isEqualTo("Alice Liddell");

    assertThat(signIn("alice@corp", "alice-directory-secret").accessToken()).isNotBlank();
    assertThat(signIn("alice", "wrong").tokens()).isNull();
    assertThat(signIn("mallory", "alice-directory-secret").tokens()).isNull();
    assertThat(signIn("alice*", "alice-directory-secret").tokens()).isNull();

    directory.modify(
        "cn=auditors,ou=groups,dc=example,dc=org",
        new Modification(ModificationType.ADD, "member", "uid=alice,ou=people,dc=example,dc=org"));
    directory.modify(
        "cn=ml-team,ou=groups,dc=example,dc=org",
        new Modification(
            ModificationType.DELETE, "member", "uid=alice,ou=people,dc=example,dc=org"));
    assertThat(
            claims(signIn("alice", "alice-directory-secret").accessToken())
                .path("roles")
                .toString())
        .isEqualTo("[\"auditor\"]");
  }
}
