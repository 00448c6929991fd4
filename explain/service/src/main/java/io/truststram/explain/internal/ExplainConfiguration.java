package io.truststram.explain.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.common.cache.CacheStore;
import io.truststram.crypto.PlatformKeys;
import io.truststram.platform.ModuleSchema;
import io.truststram.platform.blob.BlobStore;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the explanation service when it runs in this process. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExplainProperties.class)
class ExplainConfiguration {

  @Bean
  ModuleSchema explainSchema() {
    return new ModuleSchema("explain");
  }

  @Bean
  ExplainStore explainStore(
      JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate jdbcTemplate) {
    return new ExplainStore(jdbc, jdbcTemplate);
  }

  @Bean
  ExplainMetrics explainMetrics(MeterRegistry registry) {
    return new ExplainMetrics(registry);
  }

  /** The threads that compute explanation jobs (truststram.explain.job-threads). */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService explainJobs(ExplainProperties properties) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        properties.jobThreads(),
        task -> {
          Thread thread = new Thread(task, "explain-job-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  @Bean
  Explanations explanations(
      ExplainStore store,
      BlobStore blobs,
      CacheStore cacheStore,
      ExplainProperties properties,
      Clock clock,
      ExecutorService explainJobs,
      PlatformTransactionManager transactionManager,
      ExplainMetrics metrics) {
    return new Explanations(
        store,
        blobs,
        cacheStore.namespace("explain"),
        properties,
        clock,
        explainJobs,
        new TransactionTemplate(transactionManager),
        metrics);
  }

  @Bean
  Retention explainRetention(
      ExplainStore store,
      BlobStore blobs,
      Clock clock,
      PlatformTransactionManager transactionManager,
      ApplicationEventPublisher events,
      ExplainMetrics metrics) {
    return new Retention(
        store, blobs, clock, new TransactionTemplate(transactionManager), events, metrics);
  }

  @Bean
  Fairness explainFairness(ExplainStore store, Clock clock) {
    return new Fairness(store, clock);
  }

  @Bean
  Plots explainPlots() {
    return new Plots();
  }

  @Bean
  ComplianceReports explainReports(
      Explanations explanations,
      Fairness fairness,
      ExplainStore store,
      BlobStore blobs,
      Plots plots,
      ObjectProvider<PlatformKeys> keys,
      Clock clock) {
    PlatformKeys platformKeys = keys.getIfAvailable();
    if (platformKeys == null) {
      throw new IllegalStateException(
          "the explanation service signs compliance reports with keys of the crypto service: run"
              + " both in one process (truststram.services=explain,crypto, or all)");
    }
    return new ComplianceReports(explanations, fairness, store, blobs, plots, platformKeys, clock);
  }

  @Bean
  AbandonedJobs explainAbandonedJobs(Explanations explanations) {
    return new AbandonedJobs(explanations);
  }

  /** Once the server is up, runs again (or fails) the jobs a stopped server left running. */
  static final class AbandonedJobs {
    private final Explanations explanations;

    AbandonedJobs(Explanations explanations) {
      this.explanations = explanations;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
      explanations.resumeAbandonedJobs();
    }
  }
}
