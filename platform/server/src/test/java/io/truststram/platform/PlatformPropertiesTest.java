package io.truststram.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

/** The defaults and the environment variable names documented in docs/configuration.md. */
class PlatformPropertiesTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    PlatformProperties properties = bind(Map.of());
    assertThat(properties.services()).containsExactly("all");
    assertThat(properties.http().maxRequestBody()).isEqualTo(DataSize.ofMegabytes(1));
    assertThat(properties.cache().maximumSize()).isEqualTo(DataSize.ofMegabytes(64));
    assertThat(properties.redis().url()).isNull();
    assertThat(properties.redis().keyPrefix()).isEqualTo("truststram");
    assertThat(properties.redis().timeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void documentedEnvironmentVariablesBind() {
    PlatformProperties properties =
        bind(
            Map.of(
                "TRUSTSTRAM_SERVICES", "gateway,identity",
                "TRUSTSTRAM_HTTP_MAX_REQUEST_BODY", "4MB",
                "TRUSTSTRAM_CACHE_MAXIMUM_SIZE", "128MB",
                "TRUSTSTRAM_REDIS_URL", "redis://cache.internal:6380/2",
                "TRUSTSTRAM_REDIS_KEY_PREFIX", "prod",
                "TRUSTSTRAM_REDIS_TIMEOUT", "500ms",
                "TRUSTSTRAM_IDEMPOTENCY_RETENTION", "2h",
                "TRUSTSTRAM_IDEMPOTENCY_LOCK_TIMEOUT", "30s",
                "TRUSTSTRAM_IDEMPOTENCY_MAX_RESPONSE_SIZE", "256KB"));
    assertThat(properties.services()).isEqualTo(List.of("gateway", "identity"));
    assertThat(properties.http().maxRequestBody()).isEqualTo(DataSize.ofMegabytes(4));
    assertThat(properties.cache().maximumSize()).isEqualTo(DataSize.ofMegabytes(128));
    assertThat(properties.redis().url()).isEqualTo(URI.create("redis://cache.internal:6380/2"));
    assertThat(properties.redis().keyPrefix()).isEqualTo("prod");
    assertThat(properties.redis().timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(properties.idempotency().retention()).isEqualTo(Duration.ofHours(2));
    assertThat(properties.idempotency().lockTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(properties.idempotency().maxResponseSize()).isEqualTo(DataSize.ofKilobytes(256));
  }

  @Test
  void nonsensicalValuesAreRefusedAtStartUp() {
    for (var bad :
        List.of(
            Map.<String, Object>of("TRUSTSTRAM_HTTP_MAX_REQUEST_BODY", "0B"),
            Map.<String, Object>of("TRUSTSTRAM_REDIS_TIMEOUT", "-1s"),
            Map.<String, Object>of("TRUSTSTRAM_IDEMPOTENCY_MAX_RESPONSE_SIZE", "0B"),
            Map.<String, Object>of("TRUSTSTRAM_EVENTS_REDELIVERY_INTERVAL", "0s"),
            Map.<String, Object>of(
                "TRUSTSTRAM_IDEMPOTENCY_RETENTION",
                "1m",
                "TRUSTSTRAM_IDEMPOTENCY_LOCK_TIMEOUT",
                "5m"))) {
      assertThatThrownBy(() -> bind(bad))
          .as(bad.toString())
          .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }
  }

  private static PlatformProperties bind(Map<String, Object> env) {
    var environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .addFirst(
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
    ConfigurationPropertySources.attach(environment);
    return Binder.get(environment).bindOrCreate("truststram", PlatformProperties.class);
  }
}
