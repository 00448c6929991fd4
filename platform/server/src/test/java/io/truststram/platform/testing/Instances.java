package io.truststram.platform.testing;

import io.truststram.TrustStram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Whole TrustStram instances started inside a test, each with its own port and database. */
public final class Instances {

  private Instances() {}

  /** Starts an instance with the test profile and {@code args} as command-line arguments. */
  public static ConfigurableApplicationContext start(String... args) {
    return new SpringApplicationBuilder(TrustStram.class).profiles("test").run(args);
  }

  /** A port free at the time of the call, for an instance whose URL must be known before start. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Arguments that make an instance accept sign-in through another OpenID Connect provider, named
   * {@code partner}, for users of the system tenant with {@code defaultRole}, followed by {@code
   * more}.
   */
  public static String[] partnerProvider(
      String issuer, String clientId, String clientSecret, String defaultRole, String... more) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "--truststram.identity.oidc-providers[0].name=partner",
                "--truststram.identity.oidc-providers[0].issuer-uri=" + issuer,
                "--truststram.identity.oidc-providers[0].client-id=" + clientId,
                "--truststram.identity.oidc-providers[0].client-secret=" + clientSecret,
                "--truststram.identity.oidc-providers[0].tenant=system",
                "--truststram.identity.oidc-providers[0].default-roles=" + defaultRole));
    args.addAll(java.util.List.of(more));
    return args.toArray(String[]::new);
  }
}
