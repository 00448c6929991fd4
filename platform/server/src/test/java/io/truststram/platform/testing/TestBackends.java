package io.truststram.platform.testing;

import java.net.URI;

/**
 * Where the real PostgreSQL and Redis for integration tests are: the local servers by default (as
 * {@code ./truststram test} makes sure of), or what the environment says.
 *
 * <ul>
 *   <li>{@code TRUSTSTRAM_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}),
 *       {@code TRUSTSTRAM_TEST_PG_USER} ({@code postgres}), {@code TRUSTSTRAM_TEST_PG_PASSWORD}
 *       (empty)
 *   <li>{@code TRUSTSTRAM_TEST_REDIS_URL} (default {@code redis://127.0.0.1:6379})
 * </ul>
 */
public final class TestBackends {

  private TestBackends() {}

  public static String postgresUrl() {
    return env("TRUSTSTRAM_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  }

  public static String postgresUser() {
    return env("TRUSTSTRAM_TEST_PG_USER", "postgres");
  }

  public static String postgresPassword() {
    return env("TRUSTSTRAM_TEST_PG_PASSWORD", "");
  }

  public static URI redisUrl() {
    return URI.create(env("TRUSTSTRAM_TEST_REDIS_URL", "redis://127.0.0.1:6379"));
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
