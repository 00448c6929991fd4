package io.truststram.platform.testing;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
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

  protected HttpTestClient http;

  @BeforeEach
  void connect() {
    http = HttpTestClient.onPort(port);
  }
}
