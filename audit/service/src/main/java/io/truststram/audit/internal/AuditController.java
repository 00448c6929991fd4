package io.truststram.audit.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.audit.AuditProblems;
import io.truststram.audit.log.AuditExport;
import io.truststram.audit.log.MerkleProofs;
import io.truststram.common.page.Cursors;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.PlatformKeys;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.PublicKeyEncoding;
import io.truststram.platform.audit.AuditRecord;
import io.truststram.platform.audit.NotAudited;
import io.truststram.platform.audit.RequestIds;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail of the caller's tenant: {@code /api/v1/audit}. Entries, queries, the tree's
 * proofs, signed checkpoints, the audit key's public keys, exports and their verification.
 *
 * <p>A platform admin may name another tenant's log with {@code tenant}, or the platform's own log
 * (records of requests whose tenant was unknown) with {@code tenant=platform}.
 */
@RestController
@RequestMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Audit", description = "The tenant's append-only, signed, verifiable audit log")
class AuditController {

  static final int MAX_BATCH = 1000;
  static final MediaType JSON_LINES = MediaType.parseMediaType("application/x-ndjson");

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");

  private final AuditLog log;
  private final AuditStore store;
  private final Checkpoints checkpoints;
  private final PlatformKeys keys;
  private final Clock clock;

  AuditController(
      AuditLog log, AuditStore store, Checkpoints checkpoints, PlatformKeys keys, Clock clock) {
    this.log = log;
    this.store = store;
    this.checkpoints = checkpoints;
    this.keys = keys;
    this.clock = clock;
  }

  // ---------------------------------------------------------------------------------------------
  // Appending

  record NewEntry(
      @NotBlank @Size(max = 256) String action,
      @NotBlank @Size(max = 1024) String resource,
      @Nullable String outcome,
      @Nullable Map<String, String> details) {}

  record AppendRequest(@NotNull @Size(min = 1) List<@Valid NewEntry> entries) {}

  record AppendedView(long index, boolean duplicate) {}

  record AppendResponse(List<AppendedView> entries) {}

  @PostMapping(path = "/entries", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('audit:write')")
  @NotAudited
  @Operation(
      summary = "Append your application's own entries to your tenant's log",
      description =
          "Up to 1000 entries, appended in order and durable before the response. The caller is"
              + " recorded as the principal; outcome is success (default), failure or denied;"
              + " details are short strings and must hold no secrets.")
  AppendResponse append(@Valid @RequestBody AppendRequest body, HttpServletRequest request) {
    if (body.entries().size() > MAX_BATCH) {
      throw new ProblemException(
          AuditProblems.BATCH_TOO_LARGE,
          "an append holds at most " + MAX_BATCH + " entries, not " + body.entries().size());
    }
    Caller caller = CurrentPrincipal.require();
    String requestId = RequestIds.of(request);
    Instant now = clock.instant();
    List<AuditRecord> records = new ArrayList<>();
    for (NewEntry entry : body.entries()) {
      Map<String, String> details = entry.details() == null ? Map.of() : entry.details();
      checkDetails(details);
      records.add(
          new AuditRecord(
              UUID.randomUUID(),
              caller.tenant(),
              caller.subject(),
              caller.clientId(),
              entry.action().strip(),
              entry.resource().strip(),
              outcome(entry.outcome()),
              requestId,
              now,
              details));
    }
    List<AppendedView> out = new ArrayList<>();
    for (AuditLog.Appended appended : unavailableAsProblem(() -> log.appendAll(records, true))) {
      out.add(new AppendedView(appended.index(), appended.duplicate()));
    }
    return new AppendResponse(out);
  }

  private static void checkDetails(Map<String, String> details) {
    if (details.size() > 32) {
      throw new ProblemException(ProblemTypes.VALIDATION_FAILED, "an entry has at most 32 details");
    }
    for (Map.Entry<String, String> detail : details.entrySet()) {
      if (detail.getKey().isBlank()
          || detail.getKey().length() > 64
          || detail.getValue() == null
          || detail.getValue().length() > 1024) {
        throw new ProblemException(
            ProblemTypes.VALIDATION_FAILED,
            "a detail has a name of 1 to 64 characters and a value of at most 1024");
      }
    }
  }

  private static AuditRecord.Outcome outcome(@Nullable String value) {
    if (value == null) {
      return AuditRecord.Outcome.SUCCESS;
    }
    String lower = value.strip().toLowerCase(Locale.ROOT);
    if (!OUTCOMES.contains(lower)) {
      throw new ProblemException(
          ProblemTypes.VALIDATION_FAILED, "outcome is success, failure or denied, not " + value);
    }
    return AuditRecord.Outcome.valueOf(lower.toUpperCase(Locale.ROOT));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /**
   * An entry: {@code data} is exactly the text that was hashed (its leaf hash is SHA-256 of 0x00
   * and its UTF-8 bytes); {@code entry} is the same, parsed, for reading.
   */
  record EntryView(long index, String leafHash, String data, JsonNode entry) {
    static EntryView of(AuditStore.Entry entry) {
      return new EntryView(
          entry.index(),
          B64.encodeToString(entry.leafHash()),
          entry.data(),
          JSON.readTree(entry.data()));
    }
  }

  record EntryPage(List<EntryView> items, @Nullable String nextCursor) {}

  @GetMapping("/entries")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(
      summary = "Query the log, in append order, a page at a time",
      description =
          "Filters: principal, action, resource, outcome (exact), from (inclusive) and to"
              + " (exclusive) as ISO-8601 instants.")
  EntryPage entries(
      @RequestParam(required = false) @Nullable String tenant,
      @RequestParam(required = false) @Nullable String principal,
      @RequestParam(required = false) @Nullable String action,
      @RequestParam(required = false) @Nullable String resource,
      @RequestParam(required = false) @Nullable String outcome,
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to,
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    TenantId logTenant = logOf(tenant);
    PageRequest page = PageRequest.of(limit, cursor);
    long after = position(page, -1);
    String outcomeFilter =
        outcome == null ? null : outcome(outcome).name().toLowerCase(Locale.ROOT);
    List<AuditStore.Entry> found =
        store.query(
            logTenant,
            new AuditStore.Filter(
                principal,
                action,
                resource,
                outcomeFilter,
                instant("from", from),
                instant("to", to)),
            after,
            page.limit() + 1);
    boolean more = found.size() > page.limit();
    List<AuditStore.Entry> items = more ? found.subList(0, page.limit()) : found;
    return new EntryPage(
        items.stream().map(EntryView::of).toList(),
        more ? Cursors.encode(Long.toString(items.getLast().index())) : null);
  }

  @GetMapping("/entries/{index}")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(summary = "One entry by its index")
  EntryView entry(
      @PathVariable long index, @RequestParam(required = false) @Nullable String tenant) {
    return store
        .entry(logOf(tenant), index)
        .map(EntryView::of)
        .orElseThrow(
            () ->
                new ProblemException(AuditProblems.OUT_OF_RANGE, "the log has no entry " + index));
  }

  record TreeView(long size, String rootHash) {}

  @GetMapping("/tree")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(summary = "The log's current size and Merkle root (not yet signed: see checkpoints)")
  TreeView tree(@RequestParam(required = false) @Nullable String tenant) {
    AuditStore.Head head = head(logOf(tenant));
    return new TreeView(head.size(), B64.encodeToString(head.rootHash()));
  }

  // ---------------------------------------------------------------------------------------------
  // Proofs

  record InclusionView(
      long index, long treeSize, String leafHash, String rootHash, List<String> auditPath) {}

  @GetMapping("/proofs/inclusion")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(
      summary = "The inclusion proof of an entry in the tree of a given size (RFC 9162 §2.1.3)",
      description = "treeSize defaults to the latest checkpoint's size.")
  InclusionView inclusion(
      @RequestParam long index,
      @RequestParam(required = false) @Nullable Long treeSize,
      @RequestParam(required = false) @Nullable String tenant) {
    TenantId logTenant = logOf(tenant);
    long size = treeSize == null ? latestCheckpointSize(logTenant) : treeSize;
    checkSize(logTenant, size);
    if (index < 0 || index >= size) {
      throw new ProblemException(
          AuditProblems.OUT_OF_RANGE, "index " + index + " is not in a tree of " + size);
    }
    return fromStore(
        logTenant,
        s ->
            new InclusionView(
                index,
                size,
                B64.encodeToString(s.hash(0, index)),
                B64.encodeToString(MerkleProofs.root(s, size)),
                encode(MerkleProofs.inclusionProof(s, index, size))));
  }

  record ConsistencyView(
      long firstSize,
      long secondSize,
      String firstRootHash,
      String secondRootHash,
      List<String> proof) {}

  @GetMapping("/proofs/consistency")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(
      summary = "The proof that one tree size is a prefix of a larger one (RFC 9162 §2.1.4)",
      description = "secondSize defaults to the latest checkpoint's size.")
  ConsistencyView consistency(
      @RequestParam long firstSize,
      @RequestParam(required = false) @Nullable Long secondSize,
      @RequestParam(required = false) @Nullable String tenant) {
    TenantId logTenant = logOf(tenant);
    long second = secondSize == null ? latestCheckpointSize(logTenant) : secondSize;
    checkSize(logTenant, second);
    if (firstSize < 1 || firstSize > second) {
      throw new ProblemException(
          AuditProblems.OUT_OF_RANGE,
          "consistency needs 1 <= firstSize <= secondSize, not " + firstSize + ", " + second);
    }
    return fromStore(
        logTenant,
        s ->
            new ConsistencyView(
                firstSize,
                second,
                B64.encodeToString(MerkleProofs.root(s, firstSize)),
                B64.encodeToString(MerkleProofs.root(s, second)),
                encode(MerkleProofs.consistencyProof(s, firstSize, second))));
  }

  /**
   * Runs {@code computation} over the log's stored subtree hashes: once to learn which it reads,
   * then, with those fetched in one round trip, for real.
   */
  private <T> T fromStore(TenantId tenant, Function<MerkleProofs.Subtrees, T> computation) {
    Set<MerkleProofs.Subtree> wanted = MerkleProofs.subtreesFor(computation);
    Map<MerkleProofs.Subtree, byte[]> found = store.subtrees(tenant, wanted);
    if (found.size() != wanted.size()) {
      throw new IllegalStateException(
          "the audit log of "
              + tenant
              + " is missing "
              + (wanted.size() - found.size())
              + " hashes");
    }
    return computation.apply(MerkleProofs.from(found));
  }

  private static List<String> encode(List<byte[]> hashes) {
    return hashes.stream().map(B64::encodeToString).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Checkpoints and keys

  record CheckpointView(
      String origin,
      long size,
      String rootHash,
      Instant time,
      String algorithm,
      int keyVersion,
      String signature,
      String body) {
    static CheckpointView of(TenantId tenant, AuditStore.StoredCheckpoint stored) {
      var signed = Checkpoints.signed(tenant, stored);
      return new CheckpointView(
          signed.checkpoint().origin(),
          stored.size(),
          B64.encodeToString(stored.rootHash()),
          stored.signedAt(),
          stored.algorithm(),
          stored.keyVersion(),
          B64.encodeToString(stored.signature()),
          new String(signed.checkpoint().body(), StandardCharsets.UTF_8));
    }
  }

  record CheckpointPage(List<CheckpointView> items, @Nullable String nextCursor) {}

  @GetMapping("/checkpoints")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(summary = "The signed checkpoints, by size, a page at a time")
  CheckpointPage checkpoints(
      @RequestParam(required = false) @Nullable String tenant,
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    TenantId logTenant = logOf(tenant);
    PageRequest page = PageRequest.of(limit, cursor);
    long after = position(page, 0);
    List<AuditStore.StoredCheckpoint> found = store.checkpoints(logTenant, after, page.limit() + 1);
    boolean more = found.size() > page.limit();
    List<AuditStore.StoredCheckpoint> items = more ? found.subList(0, page.limit()) : found;
    return new CheckpointPage(
        items.stream().map(c -> CheckpointView.of(logTenant, c)).toList(),
        more ? Cursors.encode(Long.toString(items.getLast().size())) : null);
  }

  @GetMapping("/checkpoints/latest")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(summary = "The latest signed checkpoint")
  CheckpointView latest(@RequestParam(required = false) @Nullable String tenant) {
    TenantId logTenant = logOf(tenant);
    return store
        .latestCheckpoint(logTenant)
        .map(c -> CheckpointView.of(logTenant, c))
        .orElseThrow(AuditController::noCheckpoint);
  }

  @PostMapping("/checkpoints")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(
      summary = "Sign a checkpoint of the log as it is now",
      description = "Returns the latest checkpoint when the log has not grown since.")
  CheckpointView checkpointNow(@RequestParam(required = false) @Nullable String tenant) {
    TenantId logTenant = logOf(tenant);
    return checkpoints
        .signNow(logTenant)
        .map(c -> CheckpointView.of(logTenant, c))
        .orElseThrow(AuditController::noCheckpoint);
  }

  record PublicKeyView(int version, String algorithm, String publicKey, String pem) {}

  record PublicKeysView(String origin, List<PublicKeyView> keys) {}

  @GetMapping("/public-keys")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(
      summary = "The public keys that sign the log's checkpoints, one per key version",
      description =
          "Raw encodings in base64; give them to `truststram audit verify --public-key` to check"
              + " an export offline.")
  PublicKeysView publicKeys(@RequestParam(required = false) @Nullable String tenant) {
    TenantId logTenant = logOf(tenant);
    return new PublicKeysView(
        Checkpoints.origin(logTenant),
        keys.publicKeys(logTenant, Checkpoints.KEY_PURPOSE).stream()
            .map(
                k ->
                    new PublicKeyView(
                        k.version(),
                        k.algorithm(),
                        B64.encodeToString(k.publicKey()),
                        PublicKeyEncoding.toPem(Algorithm.of(k.algorithm()), k.publicKey())))
            .toList());
  }

  // ---------------------------------------------------------------------------------------------
  // Export and verification

  @GetMapping(path = "/export", produces = "application/x-ndjson")
  @PreAuthorize("hasAuthority('audit:read')")
  @Operation(
      summary = "The whole log as JSON Lines, with its signed checkpoints, verifiable offline",
      description =
          "Signs a checkpoint of the log as it is first, so that every entry exported is covered."
              + " Verify with `truststram audit verify EXPORT --public-key KEY`.")
  ResponseEntity<StreamingResponseBody> export(
      @RequestParam(required = false) @Nullable String tenant) {
    TenantId logTenant = logOf(tenant);
    AuditStore.StoredCheckpoint last =
        checkpoints.signNow(logTenant).orElseThrow(AuditController::noCheckpoint);
    StreamingResponseBody body =
        out -> {
          BufferedWriter writer =
              new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
          writeExport(logTenant, last.size(), writer);
          writer.flush();
        };
    return ResponseEntity.ok()
        .contentType(JSON_LINES)
        .header(
            "Content-Disposition", "attachment; filename=\"audit-" + logTenant.value() + ".jsonl\"")
        .body(body);
  }

  /** Entries [0, size) with each checkpoint up to size after the entries it covers. */
  private void writeExport(TenantId tenant, long size, java.io.Writer writer) {
    List<AuditStore.StoredCheckpoint> pending = new ArrayList<>();
    long[] nextCheckpointAfter = {0};
    Runnable refill =
        () -> {
          if (pending.isEmpty()) {
            List<AuditStore.StoredCheckpoint> page =
                store.checkpoints(tenant, nextCheckpointAfter[0], 500);
            for (AuditStore.StoredCheckpoint c : page) {
              if (c.size() <= size) {
                pending.add(c);
              }
            }
            if (!page.isEmpty()) {
              nextCheckpointAfter[0] = page.getLast().size();
            }
          }
        };
    refill.run();
    store.scan(
        tenant,
        0,
        size,
        entry -> {
          try {
            AuditExport.writeEntry(writer, entry.index(), entry.data(), entry.leafHash());
            while (true) {
              refill.run();
              if (pending.isEmpty() || pending.getFirst().size() != entry.index() + 1) {
                break;
              }
              AuditExport.writeCheckpoint(
                  writer, Checkpoints.signed(tenant, pending.removeFirst()));
            }
          } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  // ---------------------------------------------------------------------------------------------

  /** The index or size a cursor stands at, or {@code first} without one. */
  private static long position(PageRequest page, long first) {
    if (page.after() == null) {
      return first;
    }
    try {
      return Long.parseLong(page.after());
    } catch (NumberFormatException e) {
      throw Cursors.invalid();
    }
  }

  private TenantId logOf(@Nullable String tenant) {
    Caller caller = CurrentPrincipal.require();
    if (tenant == null || tenant.isBlank()) {
      return caller.tenant();
    }
    TenantId named;
    if (tenant.strip().equals("platform")) {
      named = AuditLog.PLATFORM;
    } else {
      try {
        named = TenantId.parse(tenant.strip());
      } catch (IllegalArgumentException e) {
        throw new ProblemException(ProblemTypes.INVALID_PARAMETER, "tenant: " + e.getMessage());
      }
    }
    if (!named.equals(caller.tenant()) && !caller.isPlatformAdmin()) {
      throw new ProblemException(
          ProblemTypes.FORBIDDEN, "only a platform admin reads another tenant's audit log");
    }
    return named;
  }

  private AuditStore.Head head(TenantId tenant) {
    return store
        .head(tenant)
        .orElse(new AuditStore.Head(0, io.truststram.audit.log.MerkleHashes.emptyRoot()));
  }

  private long latestCheckpointSize(TenantId tenant) {
    return store
        .latestCheckpoint(tenant)
        .map(AuditStore.StoredCheckpoint::size)
        .orElseThrow(AuditController::noCheckpoint);
  }

  private void checkSize(TenantId tenant, long size) {
    long current = head(tenant).size();
    if (size < 1 || size > current) {
      throw new ProblemException(
          AuditProblems.OUT_OF_RANGE,
          "tree size " + size + " is not one the log has had (1 to " + current + ")");
    }
  }

  private static @Nullable Instant instant(String name, @Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new ProblemException(
          ProblemTypes.INVALID_PARAMETER,
          name + " is an ISO-8601 instant, e.g. 2026-11-26T10:15:30Z");
    }
  }

  private static ProblemException noCheckpoint() {
    return new ProblemException(
        AuditProblems.NO_CHECKPOINT, "the log has no signed checkpoint yet (it may be empty)");
  }

  private static <T> T unavailableAsProblem(java.util.function.Supplier<T> append) {
    try {
      return append.get();
    } catch (AuditUnavailableException e) {
      throw new ProblemException(AuditProblems.UNAVAILABLE, e.getMessage());
    }
  }
}
