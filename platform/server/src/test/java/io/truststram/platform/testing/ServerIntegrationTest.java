package io.truststram.platform.testing;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * Base of tests that drive the whole application over a real socket, on the test profile (a private
 * in-memory H2, embedded cache), so that filters and the servlet container's error path are
 * exercised.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class ServerIntegrationTest {

  /** Base of every TrustStram problem type URI. */
  protected static final String TYPES = "https://truststram.io/problems/";

  @LocalServerPort protected int port;

  @Autowired protected ApplicationContext context;

  /** A client that sends a platform-admin's access token; {@code http.anonymous()} sends none. */
  protected HttpTestClient http;

  private static final java.util.Map<ApplicationContext, String> ADMIN_TOKENS =
      new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeEach
  void connect() {
    String token = ADMIN_TOKENS.computeIfAbsent(context, c -> TestTokens.platformAdmin(c, port));
    http = HttpTestClient.onPort(port).withToken(token);
  }
}
