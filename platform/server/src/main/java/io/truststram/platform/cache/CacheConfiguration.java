package io.truststram.platform.cache;

import io.truststram.common.cache.CacheStore;
import io.truststram.common.cache.CaffeineCacheStore;
import io.truststram.platform.PlatformProperties;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the cache adapter: Redis when {@code truststram.redis.url} is set, the embedded Caffeine
 * store otherwise.
 */
@Configuration(proxyBeanMethods = false)
class CacheConfiguration {

  private static final Logger log = LoggerFactory.getLogger(CacheConfiguration.class);

  @Bean
  CacheStore cacheStore(PlatformProperties properties) {
    URI url = properties.redis().url();
    if (url != null) {
      log.info("Cache: Redis at {}:{}", url.getHost(), url.getPort());
      return new RedisCacheStore(url, properties.redis().keyPrefix(), properties.redis().timeout());
    }
    log.info("Cache: embedded Caffeine, at most {}", properties.cache().maximumSize());
    return new CaffeineCacheStore(properties.cache().maximumSize().toBytes());
  }

  @Bean
  CacheStoreHealthIndicator cacheStoreHealthIndicator(CacheStore cacheStore) {
    return new CacheStoreHealthIndicator(cacheStore);
  }
}
