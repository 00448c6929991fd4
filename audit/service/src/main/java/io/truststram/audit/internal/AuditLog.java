package io.truststram.audit.internal;

import io.truststram.audit.log.MerkleHashes;
import io.truststram.audit.log.MerkleProofs;
import io.truststram.common.tenant.TenantId;
import io.truststram.platform.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends records to the per-tenant logs, durably, with group commit.
 *
 * <p>Callers hand records to one writer thread and wait. The writer takes everything queued (up to
 * {@code maxBatch}) and appends it in one transaction: for each tenant it locks the log's head row,
 * drops records already in the log (a redelivered event), numbers the rest, inserts them with the
 * subtree hashes they complete, and moves the head. Only after the commit returns are the callers
 * told their index: an acknowledged append is on disk. Under load many callers share one commit,
 * which is where the throughput comes from; alone, a caller waits for one commit.
 *
 * <p>The head row's lock serialises appenders across replicas; each keeps the right edge of the
 * tree (the frontier) in memory while the size it saw is still the log's size, and reads it from
 * the database otherwise.
 */
final class AuditLog implements AutoCloseable {

  /** The log of records whose tenant is not known (a request with no valid token). */
  static final TenantId PLATFORM = new TenantId(new UUID(0, 0));

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Where a record landed. */
  record Appended(TenantId tenant, long index, boolean duplicate) {}

  /**
   * A record waiting for the writer. {@code fresh} when its id was minted just now, so that it
   * cannot be in the log already and the writer need not look (the unique key still guards).
   */
  private record Pending(
      TenantId tenant,
      AuditRecord record,
      String data,
      byte[] leafHash,
      boolean fresh,
      CompletableFuture<Appended> done) {}

  private record Frontier(long size, List<byte[]> hashes) {}

  private final AuditStore store;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue;
  private final Map<TenantId, Frontier> frontiers = new ConcurrentHashMap<>();
  private final Set<TenantId> heads = ConcurrentHashMap.newKeySet();
  private final Thread writer;
  private final AuditMetrics metrics;
  private volatile boolean closed;

  AuditLog(
      AuditStore store,
      TransactionTemplate transactions,
      Clock clock,
      int maxBatch,
      int queueCapacity,
      AuditMetrics metrics) {
    this.store = store;
    this.transactions = transactions;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.metrics = metrics;
    this.writer = Thread.ofPlatform().name("audit-writer").daemon().start(this::run);
  }

  /** The tenant whose log a record goes to. */
  static TenantId logOf(AuditRecord record) {
    return record.tenant() == null ? PLATFORM : record.tenant();
  }

  /**
   * The entry exactly as it is hashed and exported: JSON with a fixed field order and the details
   * sorted by name.
   */
  static String canonical(AuditRecord record) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("id", record.id().toString());
    entry.put("time", record.time().toString());
    entry.put("tenant", logOf(record).value().toString());
    entry.put("principal", record.principal());
    entry.put("client", record.client());
    entry.put("action", record.action());
    entry.put("resource", record.resource());
    entry.put("outcome", record.outcome().name().toLowerCase(java.util.Locale.ROOT));
    entry.put("requestId", record.requestId());
    entry.put("details", new TreeMap<>(record.details()));
    return JSON.writeValueAsString(entry);
  }

  /** Queues a record; the future completes once it is committed. */
  CompletableFuture<Appended> submit(AuditRecord record, boolean fresh) {
    String data = canonical(record);
    Pending pending =
        new Pending(
            logOf(record),
            record,
            data,
            MerkleHashes.leaf(data.getBytes(StandardCharsets.UTF_8)),
            fresh,
            new CompletableFuture<>());
    if (closed) {
      pending
          .done()
          .completeExceptionally(new AuditUnavailableException("the audit log is closed"));
      return pending.done();
    }
    try {
      if (!queue.offer(pending, 5, TimeUnit.SECONDS)) {
        pending
            .done()
            .completeExceptionally(new AuditUnavailableException("the audit log is busy"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.done().completeExceptionally(new AuditUnavailableException("interrupted"));
    }
    return pending.done();
  }

  /**
   * Appends and waits until the record is durable. A record already in the log (an event delivered
   * again) is not appended twice.
   */
  Appended append(AuditRecord record) {
    return await(submit(record, false));
  }

  /**
   * Appends several, in order, and waits until all are durable.
   *
   * @param fresh whether their ids were minted for this call, so none can be in the log yet
   */
  List<Appended> appendAll(List<AuditRecord> records, boolean fresh) {
    List<CompletableFuture<Appended>> futures = new ArrayList<>(records.size());
    for (AuditRecord record : records) {
      futures.add(submit(record, fresh));
    }
    List<Appended> out = new ArrayList<>(records.size());
    for (CompletableFuture<Appended> future : futures) {
      out.add(await(future));
    }
    return out;
  }

  private static Appended await(CompletableFuture<Appended> future) {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditUnavailableException("interrupted while appending");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof AuditUnavailableException unavailable) {
        throw unavailable;
      }
      throw new AuditUnavailableException("the append failed: " + e.getCause().getMessage());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AuditUnavailableException("the append did not commit within 60 s");
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        write(batch);
      } catch (InterruptedException e) {
        if (!closed) {
          log.warn("The audit writer was interrupted while open");
        }
      } catch (RuntimeException e) {
        log.error("Could not append {} audit records", batch.size(), e);
        AuditUnavailableException failure =
            new AuditUnavailableException("the audit store refused the append");
        batch.forEach(p -> p.done().completeExceptionally(failure));
        // Whatever was cached may be ahead of what committed.
        frontiers.clear();
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Pending> batch) {
    long started = System.nanoTime();
    Map<TenantId, List<Pending>> byTenant = new TreeMap<>();
    for (Pending pending : batch) {
      byTenant.computeIfAbsent(pending.tenant(), t -> new ArrayList<>()).add(pending);
    }
    Instant now = clock.instant();
    for (TenantId tenant : byTenant.keySet()) {
      if (heads.add(tenant)) {
        store.createHead(tenant, MerkleHashes.emptyRoot(), now);
      }
    }
    Map<Pending, Appended> results = new LinkedHashMap<>();
    Map<TenantId, Frontier> moved = new LinkedHashMap<>();
    transactions.executeWithoutResult(
        status -> {
          results.clear();
          moved.clear();
          // Tenants in a fixed order, so that replicas never wait on each other in a cycle.
          for (Map.Entry<TenantId, List<Pending>> group : byTenant.entrySet()) {
            moved.put(group.getKey(), append(group.getKey(), group.getValue(), now, results));
          }
        });
    frontiers.putAll(moved);
    results.forEach((pending, appended) -> pending.done().complete(appended));
    metrics.batch(batch.size(), System.nanoTime() - started);
  }

  private Frontier append(
      TenantId tenant, List<Pending> group, Instant now, Map<Pending, Appended> results) {
    AuditStore.Head head =
        store
            .lockHead(tenant)
            .orElseThrow(() -> new IllegalStateException("the log of " + tenant + " has no head"));
    List<UUID> mayRepeat =
        group.stream().filter(p -> !p.fresh()).map(p -> p.record().id()).toList();
    Map<UUID, Long> existing = mayRepeat.isEmpty() ? Map.of() : store.existing(tenant, mayRepeat);
    Map<UUID, Long> assigned = new java.util.HashMap<>();
    List<AuditStore.Entry> entries = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    long next = head.size();
    for (Pending pending : group) {
      UUID id = pending.record().id();
      Long already = existing.containsKey(id) ? existing.get(id) : assigned.get(id);
      if (already != null) {
        results.put(pending, new Appended(tenant, already, true));
        continue;
      }
      AuditRecord record = pending.record();
      entries.add(
          new AuditStore.Entry(
              next,
              id,
              record.time(),
              clip(record.principal(), 256),
              clip(record.action(), 256),
              clip(record.resource(), 1024),
              record.outcome().name().toLowerCase(java.util.Locale.ROOT),
              pending.data(),
              pending.leafHash()));
      leaves.add(pending.leafHash());
      assigned.put(id, next);
      results.put(pending, new Appended(tenant, next, false));
      next++;
    }
    Frontier frontier = frontier(tenant, head.size());
    if (entries.isEmpty()) {
      return frontier;
    }
    List<AuditStore.Node> nodes = new ArrayList<>();
    List<byte[]> edge =
        MerkleProofs.append(
            head.size(),
            frontier.hashes(),
            leaves,
            (level, index, hash) -> nodes.add(new AuditStore.Node(level, index, hash)));
    store.insertEntries(tenant, entries);
    store.insertNodes(tenant, nodes);
    store.updateHead(tenant, next, MerkleProofs.rootOfFrontier(edge), now);
    return new Frontier(next, edge);
  }

  /** The right edge of the tenant's tree at {@code size}: cached, or read back. */
  private Frontier frontier(TenantId tenant, long size) {
    Frontier cached = frontiers.get(tenant);
    if (cached != null && cached.size() == size) {
      return cached;
    }
    List<MerkleProofs.Subtree> shape = MerkleProofs.frontier(size);
    Map<MerkleProofs.Subtree, byte[]> hashes = store.subtrees(tenant, shape);
    List<byte[]> edge = new ArrayList<>(shape.size());
    for (MerkleProofs.Subtree subtree : shape) {
      edge.add(
          Objects.requireNonNull(
              hashes.get(subtree),
              () -> "the log of " + tenant + " is missing subtree " + subtree));
    }
    return new Frontier(size, edge);
  }

  private static String clip(String value, int length) {
    return value.length() <= length ? value : value.substring(0, length);
  }

  /** Lets queued records commit, then stops the writer. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    writer.join(TimeUnit.SECONDS.toMillis(15));
  }
}
