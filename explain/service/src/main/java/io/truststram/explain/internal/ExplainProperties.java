package io.truststram.explain.internal;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code truststram.explain.*}: the explanation service's limits, cache and retention.
 *
 * @param maxModelSize the largest model file accepted (64MB)
 * @param maxRows the most rows one explanation request takes (10,000)
 * @param syncRows requests of at most this many rows are answered at once; larger ones become jobs,
 *     answered 202 and polled (100)
 * @param cacheTtl how long a computed explanation stays in the cache (1h)
 * @param retention how long explanations and reports are kept when a tenant sets nothing (183 days:
 *     six months, the least Article 19 of the AI Act asks)
 * @param minimumRetention the shortest retention a tenant may set (183 days)
 * @param purgeInterval how often expired explanations and reports are deleted (1h)
 * @param jobThreads the threads that compute explanation jobs (1)
 */
@Validated
@ConfigurationProperties("truststram.explain")
public record ExplainProperties(
    @DefaultValue("64MB") @NotNull DataSize maxModelSize,
    @DefaultValue("10000") int maxRows,
    @DefaultValue("100") int syncRows,
    @DefaultValue("1h") @NotNull Duration cacheTtl,
    @DefaultValue("183d") @NotNull Duration retention,
    @DefaultValue("183d") @NotNull Duration minimumRetention,
    @DefaultValue("1h") @NotNull Duration purgeInterval,
    @DefaultValue("1") int jobThreads) {

  public ExplainProperties {
    if (maxModelSize.toBytes() < 1 || maxModelSize.toBytes() > (1L << 30)) {
      throw new IllegalArgumentException("truststram.explain.max-model-size lies in 1B..1GB");
    }
    if (maxRows < 1 || syncRows < 1 || syncRows > maxRows) {
      throw new IllegalArgumentException(
          "truststram.explain.sync-rows and max-rows are positive, sync-rows at most max-rows");
    }
    if (cacheTtl.isNegative() || cacheTtl.isZero()) {
      throw new IllegalArgumentException("truststram.explain.cache-ttl is positive");
    }
    if (minimumRetention.isNegative() || retention.compareTo(minimumRetention) < 0) {
      throw new IllegalArgumentException(
          "truststram.explain.retention is at least truststram.explain.minimum-retention");
    }
    if (purgeInterval.isNegative() || purgeInterval.isZero()) {
      throw new IllegalArgumentException("truststram.explain.purge-interval is positive");
    }
    if (jobThreads < 1 || jobThreads > 64) {
      throw new IllegalArgumentException("truststram.explain.job-threads lies in 1..64");
    }
  }
}
