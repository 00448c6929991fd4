package io.truststram.trust.internal;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.truststram.common.tenant.TenantId;
import io.truststram.trust.internal.TrustGraphStore.Edge;
import io.truststram.trust.internal.TrustGraphStore.Entity;
import io.truststram.trust.internal.TrustGraphStore.EntityType;
import io.truststram.trust.internal.TrustGraphStore.Evidence;
import io.truststram.trust.internal.TrustGraphStore.RelationType;
import io.truststram.trust.internal.TrustGraphStore.ScoreKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * The trust stores' speed (bench/results/trust.md, "Stores"): loading a graph, a computation over
 * it, score lookups and top-k queries per second with 1 and 8 threads, and an update after 1,000
 * evidence records; on H2, PostgreSQL and Neo4j. Runs only when asked ({@code
 * bench/trust/stores.sh}): a measurement, not a test; it asserts nothing about time.
 */
@EnabledIfSystemProperty(named = "truststram.bench", matches = "true")
class TrustStoreBench {

  static final int ENTITIES = Integer.getInteger("truststram.bench.entities", 100_000);
  static final int EDGES = Integer.getInteger("truststram.bench.edges", 500_000);
  static final int EVIDENCE = Integer.getInteger("truststram.bench.evidence", 50_000);
  static final int LOOKUPS = Integer.getInteger("truststram.bench.lookups", 20_000);
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  static void report(String line) throws IOException {
    System.getLogger("bench").log(System.Logger.Level.INFO, line);
    String out = System.getProperty("truststram.bench.out");
    if (out != null) {
      Files.writeString(
          Path.of(out), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  @Test
  void h2() throws Exception {
    JdbcTrustGraphStoreTest.database();
    measure("h2", JdbcTrustGraphStoreTest.jdbcStore(JdbcTrustGraphStoreTest.dataSource));
  }

  @Test
  void postgres() throws Exception {
    PostgresTrustGraphStoreTest.database();
    try {
      measure(
          "postgresql", JdbcTrustGraphStoreTest.jdbcStore(PostgresTrustGraphStoreTest.dataSource));
    } finally {
      PostgresTrustGraphStoreTest.drop();
    }
  }

  @Test
  void neo4j() throws Exception {
    try (Neo4j neo4j = Neo4jBuilders.newInProcessBuilder().withDisabledServer().build();
        Driver driver = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.none())) {
      measure("neo4j", new Neo4jTrustGraphStore(driver, null));
    }
  }

  void measure(String name, TrustGraphStore store) throws Exception {
    TenantId tenant = TenantId.newId();
    SplittableRandom random = new SplittableRandom(42);
    long t0 = System.nanoTime();
    List<Entity> entities = new ArrayList<>(ENTITIES);
    for (int i = 0; i < ENTITIES; i++) {
      entities.add(
          new Entity("e" + i, EntityType.CLIENT_NODE, "e" + i, Map.of(), i < 10, NOW, NOW));
    }
    long e0 = System.nanoTime();
    for (int from = 0; from < ENTITIES; from += 10_000) {
      store.putEntities(tenant, entities.subList(from, Math.min(ENTITIES, from + 10_000)));
    }
    double entitySeconds = (System.nanoTime() - e0) / 1e9;
    List<Edge> edges = new ArrayList<>();
    java.util.Set<Long> seen = new java.util.HashSet<>();
    while (seen.size() < EDGES) {
      int s = random.nextInt(ENTITIES);
      // Preferential: half of the targets among the first 1% of entities.
      int t = random.nextBoolean() ? random.nextInt(ENTITIES / 100) : random.nextInt(ENTITIES);
      if (s != t && seen.add((long) s * ENTITIES + t)) {
        edges.add(new Edge("e" + s, "e" + t, RelationType.TRUSTS, 1 + random.nextInt(5), NOW));
      }
    }
    long r0 = System.nanoTime();
    for (int from = 0; from < EDGES; from += 10_000) {
      store.putEdges(tenant, edges.subList(from, Math.min(EDGES, from + 10_000)));
    }
    double edgeSeconds = (System.nanoTime() - r0) / 1e9;
    List<Evidence> evidence = new ArrayList<>();
    for (int i = 0; i < EVIDENCE; i++) {
      evidence.add(
          new Evidence(
              UUID.randomUUID(),
              "e" + random.nextInt(ENTITIES),
              "e" + random.nextInt(ENTITIES),
              "rating",
              random.nextDouble() < 0.8,
              1,
              NOW.minusSeconds(random.nextInt(86_400 * 30)),
              NOW,
              Map.of()));
    }
    evidence.removeIf(e -> e.subject().equals(e.source()));
    long v0 = System.nanoTime();
    for (int from = 0; from < evidence.size(); from += 10_000) {
      store.appendEvidence(
          tenant, evidence.subList(from, Math.min(evidence.size(), from + 10_000)));
    }
    double evidenceSeconds = (System.nanoTime() - v0) / 1e9;
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    String loadParts =
        String.format(
            Locale.ROOT,
            "{\"entities\":%.1f,\"relationships\":%.1f,\"evidence\":%.1f}",
            entitySeconds,
            edgeSeconds,
            evidenceSeconds);
    if (Boolean.getBoolean("truststram.bench.loadOnly")) {
      // Only the load, part by part (-Dtruststram.bench.loadOnly=true).
      report(
          String.format(
              Locale.ROOT,
              "{\"store\":\"%s\",\"loadSeconds\":%.1f,\"loadPartsSeconds\":%s}",
              name,
              loadSeconds,
              loadParts));
      return;
    }

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TrustService trust = service(store, 20_000_000, registry);
    long c0 = System.nanoTime();
    var first = trust.compute(tenant, new TrustService.ComputeInput(null, 1e-8, null));
    double computeSeconds = (System.nanoTime() - c0) / 1e9;
    double[] firstPhases = phases(registry);
    double single = lookups(store, tenant, 1);
    double eight = lookups(store, tenant, 8);
    long k0 = System.nanoTime();
    int topQueries = 200;
    for (int i = 0; i < topQueries; i++) {
      store.top(tenant, i % 2 == 0 ? ScoreKind.EIGENTRUST : ScoreKind.REPUTATION, null, 10);
    }
    double topPerSecond = topQueries / ((System.nanoTime() - k0) / 1e9);

    List<TrustService.EvidenceInput> batch = ratings(random);
    long u0 = System.nanoTime();
    trust.appendEvidence(tenant, batch);
    double ingestSeconds = (System.nanoTime() - u0) / 1e9;
    var second = trust.compute(tenant, new TrustService.ComputeInput(null, 1e-8, null));
    double updateSeconds = (System.nanoTime() - u0) / 1e9;
    double[] bothPhases = phases(registry);
    // Explanations of entities among the most rated: from the graph kept with the computation,
    // and, by a service that keeps none, from the store.
    int explained = 20;
    long x0 = System.nanoTime();
    for (int i = 0; i < explained; i++) {
      trust.explain(tenant, "e" + random.nextInt(ENTITIES / 100), 10, 4);
    }
    double explainKeptMillis = (System.nanoTime() - x0) / 1e6 / explained;
    // A service that keeps no graph, so reads it from the store.
    SimpleMeterRegistry readingRegistry = new SimpleMeterRegistry();
    TrustService reading = service(store, 0, readingRegistry);
    int read = 3;
    long y0 = System.nanoTime();
    for (int i = 0; i < read; i++) {
      reading.explain(tenant, "e" + random.nextInt(ENTITIES / 100), 10, 4);
    }
    double explainReadMillis = (System.nanoTime() - y0) / 1e6 / read;
    // The same update by it.
    List<TrustService.EvidenceInput> more = ratings(random);
    long w0 = System.nanoTime();
    reading.appendEvidence(tenant, more);
    reading.compute(tenant, new TrustService.ComputeInput(null, 1e-8, null));
    double updateReadSeconds = (System.nanoTime() - w0) / 1e9;
    double keptReads =
        registry.get("truststram.trust.computation.graph").tag("source", "kept").counter().count();
    double[] updatePhases = new double[PHASES.size()];
    for (int i = 0; i < updatePhases.length; i++) {
      updatePhases[i] = bothPhases[i] - firstPhases[i];
    }

    report(
        String.format(
            Locale.ROOT,
            "{\"store\":\"%s\",\"entities\":%d,\"relationships\":%d,\"evidence\":%d,"
                + "\"loadSeconds\":%.1f,\"loadPartsSeconds\":%s,\"computeSeconds\":%.2f,"
                + "\"iterations\":%d,"
                + "\"scoreLookupsPerSecond1\":%.0f,\"scoreLookupsPerSecond8\":%.0f,"
                + "\"top10PerSecond\":%.1f,\"ingest1000Seconds\":%.3f,"
                + "\"update1000Seconds\":%.2f,\"warmIterations\":%d,\"communitiesReused\":%b,"
                + "\"phasesSeconds\":%s,\"updatePhasesSeconds\":%s,"
                + "\"explainKeptMillis\":%.1f,\"explainReadMillis\":%.0f,"
                + "\"updateUsedKeptGraph\":%b,\"update1000ReadingStoreSeconds\":%.2f,"
                + "\"updateReadingStorePhasesSeconds\":%s}",
            name,
            ENTITIES,
            EDGES,
            evidence.size(),
            loadSeconds,
            loadParts,
            computeSeconds,
            first.iterations(),
            single,
            eight,
            topPerSecond,
            ingestSeconds,
            updateSeconds,
            second.iterations(),
            second.communitiesFrom().equals(first.communitiesFrom()),
            json(firstPhases),
            json(updatePhases),
            explainKeptMillis,
            explainReadMillis,
            keptReads == 1,
            updateReadSeconds,
            json(phases(readingRegistry))));
  }

  /**
   * What a kept graph costs in memory: the heap a graph of the benchmark's shape (read through the
   * visitor, as a store's scan feeds it, without a store in the process) holds, per unit of its
   * weight ({@code graph-cache-edges}).
   */
  @Test
  void keptGraphMemory() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    long before = usedHeap();
    TrustScoring.Snapshot graph =
        new TrustScoring.Snapshot(
            NOW,
            new io.truststram.trust.reputation.BetaReputation.Forgetting(
                0.9, java.time.Duration.ofDays(30)));
    for (int i = 0; i < ENTITIES; i++) {
      graph.entity("e" + i, EntityType.CLIENT_NODE, i < 10);
    }
    for (int k = 0; k < EDGES; k++) {
      int s = random.nextInt(ENTITIES);
      int t = random.nextBoolean() ? random.nextInt(ENTITIES / 100) : random.nextInt(ENTITIES);
      graph.edge("e" + s, "e" + t, RelationType.TRUSTS, 1 + random.nextInt(5));
    }
    for (int k = 0; k < EVIDENCE; k++) {
      int s = random.nextInt(ENTITIES);
      int j = (s + 1 + random.nextInt(ENTITIES - 1)) % ENTITIES;
      graph.evidence("e" + j, "e" + s, random.nextDouble() < 0.8, 1, NOW.minusSeconds(k));
    }
    long bytes = usedHeap() - before;
    report(
        String.format(
            Locale.ROOT,
            "{\"keptGraph\":{\"entities\":%d,\"relationships\":%d,\"evidence\":%d,"
                + "\"weight\":%d,\"megabytes\":%.1f,\"bytesPerUnit\":%.0f}}",
            graph.size(),
            graph.edges(),
            graph.evidence(),
            graph.weight(),
            bytes / 1e6,
            bytes / (double) graph.weight()));
    java.lang.ref.Reference.reachabilityFence(graph);
  }

  /** A service on the store whose graph cache has room for {@code graphEdges}. */
  static TrustService service(
      TrustGraphStore store, long graphEdges, SimpleMeterRegistry registry) {
    return new TrustService(
        store,
        TrustServiceTest.properties(10_000, 0.15, graphEdges, graphEdges),
        Clock.fixed(NOW, java.time.ZoneOffset.UTC),
        registry);
  }

  /** The heap in use once garbage is collected (a full collection returns when it is done). */
  static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** 1,000 positive ratings between random entities. */
  static List<TrustService.EvidenceInput> ratings(SplittableRandom random) {
    List<TrustService.EvidenceInput> batch = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      int s = random.nextInt(ENTITIES);
      int j = (s + 1 + random.nextInt(ENTITIES - 1)) % ENTITIES;
      batch.add(
          new TrustService.EvidenceInput("e" + j, "e" + s, "rating", "positive", 1.0, NOW, null));
    }
    return batch;
  }

  static final List<String> PHASES =
      List.of("read", "eigentrust", "sybilrank", "communities", "write");

  /** The seconds spent so far in each phase of computing. */
  static double[] phases(SimpleMeterRegistry registry) {
    double[] out = new double[PHASES.size()];
    for (int i = 0; i < out.length; i++) {
      var timer =
          registry.find("truststram.trust.computation.phase").tag("phase", PHASES.get(i)).timer();
      out[i] = timer == null ? 0 : timer.totalTime(java.util.concurrent.TimeUnit.SECONDS);
    }
    return out;
  }

  static String json(double[] phases) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < phases.length; i++) {
      out.append(i == 0 ? "" : ",")
          .append(String.format(Locale.ROOT, "\"%s\":%.2f", PHASES.get(i), phases[i]));
    }
    return out.append("}").toString();
  }

  /** Score lookups of random entities per second with {@code threads} threads. */
  static double lookups(TrustGraphStore store, TenantId tenant, int threads) throws Exception {
    // Warm up, then measure.
    for (int i = 0; i < 500; i++) {
      store.score(tenant, "e" + i);
    }
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      futures.add(
          pool.submit(
              () -> {
                SplittableRandom r = new SplittableRandom(seed);
                for (int i = 0; i < LOOKUPS / threads; i++) {
                  store.score(tenant, "e" + r.nextInt(ENTITIES)).orElseThrow();
                  done.incrementAndGet();
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }
}
