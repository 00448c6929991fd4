package io.truststram.platform.cache;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.common.cache.CacheStore;
import io.truststram.common.cache.CaffeineCacheStore;
import io.truststram.platform.PlatformProperties;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Chooses the cache adapter: Redis when {@code truststram.redis.url} is set, the embedded Caffeine
 * store otherwise.
 */
@Configuration(proxyBeanMethods = false)
class CacheConfiguration {

  private static final Logger log = LoggerFactory.getLogger(CacheConfiguration.class);

  /** The adapter, with its own lifecycle (the Redis adapter closes its connection). */
  @Bean
  CacheStore cacheAdapter(PlatformProperties properties) {
    URI url = properties.redis().url();
    if (url != null) {
      log.info("Cache: Redis at {}:{}", url.getHost(), url.getPort());
      return new RedisCacheStore(url, properties.redis().keyPrefix(), properties.redis().timeout());
    }
    log.info("Cache: embedded Caffeine, at most {}", properties.cache().maximumSize());
    return new CaffeineCacheStore(properties.cache().maximumSize().toBytes());
  }

  /** The store services inject: the adapter with metrics. */
  @Bean
  @Primary
  CacheStore cacheStore(@Qualifier("cacheAdapter") CacheStore adapter, MeterRegistry registry) {
    if (adapter instanceof CaffeineCacheStore caffeine) {
      Gauge.builder("truststram.cache.entries", caffeine, CaffeineCacheStore::estimatedSize)
          .description("Entries in the embedded cache (approximate)")
          .register(registry);
    }
    return new MeteredCacheStore(adapter, registry);
  }

  @Bean
  CacheStoreHealthIndicator cacheStoreHealthIndicator(
      @Qualifier("cacheAdapter") CacheStore adapter) {
    // The adapter itself: health probes are not cache traffic and stay out of its metrics.
    return new CacheStoreHealthIndicator(adapter);
  }
}
