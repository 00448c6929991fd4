package io.truststram.federation.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import io.truststram.common.tenant.TenantId;
import io.truststram.federation.FederationProblems;
import io.truststram.platform.blob.BlobInfo;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import io.truststram.platform.web.StreamedBodies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The training protocol: nodes poll for tasks, download global models and upload updates (whole, or
 * in resumable chunks); owners and participants read rounds and models. See
 * docs/federation/protocol.md.
 */
@RestController
@RequestMapping(
    path = "/api/v1/federations/{federationId}",
    produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Training protocol", description = "Tasks, global models, updates and rounds")
class RoundController {

  private static final Pattern COMPLETION = Pattern.compile("bytes \\*/(\\d{1,15})");
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes (\\d{1,15})-(\\d{1,15})/(\\d{1,15})");

  /** The largest secure aggregation message: a masked input of 10 million 64-bit words. */
  private static final int MAX_SECURE_MESSAGE = 80_000_100;

  private final FederationService federations;
  private final Coordinator coordinator;
  private final Rounds rounds;

  RoundController(FederationService federations, Coordinator coordinator, Rounds rounds) {
    this.federations = federations;
    this.coordinator = coordinator;
    this.rounds = rounds;
  }

  @GetMapping("/nodes/{nodeId}/task")
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A node asks for its next task, waiting up to 'wait' seconds (long poll)",
      description =
          "200 with a task {type: train} when the node was chosen for the open round; 200 {type:"
              + " finished} when the federation ended; 204 when nothing came within the wait. A"
              + " poll counts as a sign of life.")
  ResponseEntity<TaskView> task(
      @PathVariable String federationId,
      @PathVariable String nodeId,
      @Parameter(description = "seconds to wait, 0 to 60") @RequestParam(defaultValue = "30")
          int wait)
      throws InterruptedException {
    requireWait(wait);
    UUID federation = FederationController.parseId(federationId);
    UUID node = parseNode(nodeId);
    Coordinator.Offer offer =
        coordinator.poll(CurrentPrincipal.require(), federation, node, Duration.ofSeconds(wait));
    return switch (offer) {
      case Coordinator.NoOffer none -> ResponseEntity.noContent().build();
      case Coordinator.Finished finished -> ResponseEntity.ok(TaskView.finished(finished.state()));
      case Coordinator.AnalyzeOffer analyze ->
          ResponseEntity.ok(TaskView.analyze(AnalysisTaskView.of(federation, node, analyze)));
      case Coordinator.TrainOffer train ->
          ResponseEntity.ok(
              new TaskView(
                  "train",
                  null,
                  train.round(),
                  train.attempt(),
                  train.modelVersion(),
                  "/api/v1/federations/" + federation + "/models/" + train.modelVersion(),
                  "/api/v1/federations/"
                      + federation
                      + "/rounds/"
                      + train.round()
                      + "/updates/"
                      + node,
                  train.parameters(),
                  TrainingView.of(train.training()),
                  train.seed(),
                  train.deadline(),
                  SecureTaskView.of(federation, node, train.secure()),
                  null));
    };
  }

  @GetMapping(path = "/models/{version}", produces = StreamedBodies.SAFETENSORS)
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(
      summary = "A global model as safetensors: version 0 the initial one, r the result of round r",
      description =
          "'latest' names the newest. One float32 tensor 'parameters' of shape [n]; the metadata"
              + " names the federation, version and model. ETag is its SHA-256.")
  void model(
      @PathVariable String federationId,
      @PathVariable String version,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    FederationRecord federation =
        federations.find(CurrentPrincipal.require(), FederationController.parseId(federationId));
    Integer wanted = null;
    if (!version.equals("latest")) {
      try {
        wanted = Integer.valueOf(version);
      } catch (NumberFormatException e) {
        wanted = -1;
      }
      if (wanted < 0) {
        throw new ProblemException(
            FederationProblems.MODEL_NOT_FOUND, "a model version is 0, 1, 2 ... or latest");
      }
    }
    BlobInfo blob = coordinator.model(federation, wanted);
    String etag = "\"" + blob.sha256() + "\"";
    response.setHeader(HttpHeaders.ETAG, etag);
    response.setHeader("X-Model-Version", blob.key().replaceAll(".*/(\\d+)\\.safetensors$", "$1"));
    if (etag.equals(request.getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatus(HttpStatus.NOT_MODIFIED.value());
      return;
    }
    response.setContentType(StreamedBodies.SAFETENSORS);
    response.setContentLengthLong(blob.size());
    try (InputStream in = coordinator.open(blob);
        OutputStream out = response.getOutputStream()) {
      in.transferTo(out);
    }
  }

  @PostMapping(
      path = "/rounds/{round}/secagg/{nodeId}/{stage}",
      consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A node sends its message for a stage of the round's secure aggregation",
      description =
          "stage is keys (its signed key bundle), shares (its sealed shares), masked (its masked"
              + " input) or unmask (the shares it reveals), in the binary form of the Java SDK's"
              + " SecAggMessages. 204 when taken; 409 when the round refuses it (wrong stage,"
              + " replayed, malformed, from a node that dropped out).")
  ResponseEntity<Void> secureMessage(
      @PathVariable String federationId,
      @PathVariable int round,
      @PathVariable String nodeId,
      @PathVariable String stage,
      HttpServletRequest request)
      throws IOException {
    byte[] body = secureBody(request);
    coordinator.secureMessage(
        CurrentPrincipal.require(),
        FederationController.parseId(federationId),
        round,
        parseNode(nodeId),
        stage,
        body);
    return ResponseEntity.noContent().build();
  }

  @PostMapping(
      path = "/rounds/{round}/paillier/{nodeId}",
      consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A node sends its change encrypted under the key holder's Paillier key",
      description =
          "The binary form of PaillierAggregation: the count of clipped values, 1 if the weight"
              + " was capped (else 0), then each ciphertext big-endian at the width of n squared. 204 when taken; 409 when"
              + " refused (sent twice, the sum already being decrypted, malformed).")
  ResponseEntity<Void> paillierInput(
      @PathVariable String federationId,
      @PathVariable int round,
      @PathVariable String nodeId,
      HttpServletRequest request)
      throws IOException {
    byte[] body = secureBody(request);
    coordinator.paillierInput(
        CurrentPrincipal.require(),
        FederationController.parseId(federationId),
        round,
        parseNode(nodeId),
        body);
    return ResponseEntity.noContent().build();
  }

  /** The encrypted sum of a round, for its key holder. */
  record EncryptedSumView(int round, int attempt, int inputs, List<String> ciphertexts) {}

  /** The key holder's decryption of a round's sum. */
  record DecryptedSumRequest(
      @Min(1) int attempt, @NotNull @Size(max = 10_000_000) List<@NotNull String> plaintexts) {}

  @GetMapping("/rounds/{round}/paillier/sum")
  @PreAuthorize("hasAuthority('federation:manage')")
  @Operation(
      summary = "The key holder fetches a round's encrypted sum (owner only)",
      description =
          "200 with the ciphertexts (base64, big-endian) once every chosen node has sent or the"
              + " round's deadline passed; 204 when not within 'wait' seconds.")
  ResponseEntity<EncryptedSumView> paillierSum(
      @PathVariable String federationId,
      @PathVariable int round,
      @Parameter(description = "seconds to wait, 0 to 60") @RequestParam(defaultValue = "30")
          int wait)
      throws InterruptedException {
    requireWait(wait);
    UUID federation = ownedFederation(federationId);
    Coordinator.EncryptedSum sum =
        coordinator.paillierSum(federation, round, Duration.ofSeconds(wait));
    if (sum == null) {
      return ResponseEntity.noContent().build();
    }
    java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
    return ResponseEntity.ok(
        new EncryptedSumView(
            sum.round(),
            sum.attempt(),
            sum.inputs(),
            java.util.Arrays.stream(sum.ciphertexts())
                .map(c -> base64.encodeToString(c.toByteArray()))
                .toList()));
  }

  @PostMapping(path = "/rounds/{round}/paillier/sum", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('federation:manage')")
  @Operation(
      summary = "The key holder sends the decryption of a round's sum (owner only)",
      description =
          "204 when taken: the round closes with the decrypted mean. 422 when the plaintexts are"
              + " not a sum of inputs in range (a wrong key); the round keeps waiting.")
  ResponseEntity<Void> paillierDecrypted(
      @PathVariable String federationId,
      @PathVariable int round,
      @jakarta.validation.Valid @org.springframework.web.bind.annotation.RequestBody
          DecryptedSumRequest body) {
    UUID federation = ownedFederation(federationId);
    List<java.math.BigInteger> plaintexts = new java.util.ArrayList<>();
    for (String text : body.plaintexts()) {
      plaintexts.add(unsigned(text, "plaintexts"));
    }
    coordinator.paillierDecrypted(federation, round, body.attempt(), plaintexts);
    return ResponseEntity.noContent().build();
  }

  /**
   * What a committee member is to decrypt: a round's encrypted sum ({@code kind} decrypt), or that
   * the federation ended ({@code kind} finished, with its state).
   */
  record CommitteeWorkView(
      String kind,
      @Nullable String state,
      @Nullable Integer round,
      @Nullable Integer attempt,
      @Nullable Integer inputs,
      @Nullable List<String> ciphertexts) {}

  /** A committee member's partial decryption of a round's sum, with its proof (base64). */
  record PartialDecryptionRequest(
      @Min(1) int attempt,
      @Min(1) int index,
      @NotNull @Size(max = 2000) String verificationKey,
      @NotNull @Size(max = 10_000_000) List<@NotNull @Size(max = 2000) String> partials,
      @NotNull @Size(max = 100) String challenge,
      @NotNull @Size(max = 2000) String response) {}

  @GetMapping("/paillier/committee/{nodeId}")
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A committee member waits for the next encrypted sum it has not decrypted",
      description =
          "Under Paillier with a committee. 200 with kind 'decrypt' and the sum's ciphertexts"
              + " (base64, big-endian) once a round's inputs are in; kind 'finished' with the"
              + " federation's state when it ended; 204 when nothing within 'wait' seconds.")
  ResponseEntity<CommitteeWorkView> committeeWork(
      @PathVariable String federationId,
      @PathVariable String nodeId,
      @Parameter(description = "seconds to wait, 0 to 60") @RequestParam(defaultValue = "30")
          int wait)
      throws InterruptedException {
    requireWait(wait);
    Coordinator.CommitteeWork work =
        coordinator.committeeWork(
            CurrentPrincipal.require(),
            FederationController.parseId(federationId),
            parseNode(nodeId),
            Duration.ofSeconds(wait));
    if (work == null) {
      return ResponseEntity.noContent().build();
    }
    if (work.sum() == null) {
      return ResponseEntity.ok(
          new CommitteeWorkView("finished", work.finished(), null, null, null, null));
    }
    Coordinator.EncryptedSum sum = work.sum();
    java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
    return ResponseEntity.ok(
        new CommitteeWorkView(
            "decrypt",
            null,
            sum.round(),
            sum.attempt(),
            sum.inputs(),
            java.util.Arrays.stream(sum.ciphertexts())
                .map(c -> base64.encodeToString(c.toByteArray()))
                .toList()));
  }

  @PostMapping(
      path = "/rounds/{round}/paillier/committee/{nodeId}",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A committee member sends its partial decryption of a round's sum",
      description =
          "204 when taken (the round closes once the committee's threshold of them is in). 422"
              + " when the verification key is not the member's or the proof does not verify;"
              + " 409 when the round is not waiting for it or the member or node already sent"
              + " one for this attempt.")
  ResponseEntity<Void> committeePartial(
      @PathVariable String federationId,
      @PathVariable int round,
      @PathVariable String nodeId,
      @jakarta.validation.Valid @org.springframework.web.bind.annotation.RequestBody
          PartialDecryptionRequest body) {
    List<java.math.BigInteger> values = new java.util.ArrayList<>(body.partials().size());
    for (String partial : body.partials()) {
      values.add(unsigned(partial, "partials"));
    }
    coordinator.committeePartial(
        CurrentPrincipal.require(),
        FederationController.parseId(federationId),
        round,
        parseNode(nodeId),
        body.attempt(),
        new io.truststram.crypto.homomorphic.Paillier.PartialDecryption(
            body.index(),
            unsigned(body.verificationKey(), "verificationKey"),
            values,
            unsigned(body.challenge(), "challenge"),
            unsigned(body.response(), "response")));
    return ResponseEntity.noContent().build();
  }

  /** A long-poll's wait, 0 to 60 seconds. */
  private static void requireWait(int wait) {
    if (wait < 0 || wait > 60) {
      throw new ProblemException(ProblemTypes.INVALID_PARAMETER, "wait must be 0 to 60 seconds");
    }
  }

  /** A non-negative integer from base64 of its big-endian bytes. */
  private static java.math.BigInteger unsigned(String base64, String field) {
    try {
      return new java.math.BigInteger(1, java.util.Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          ProblemTypes.INVALID_PARAMETER, field + " are base64 of big-endian integers");
    }
  }

  /** A secure aggregation message's body, refused above the largest a model can need. */
  private static byte[] secureBody(HttpServletRequest request) throws IOException {
    byte[] body = request.getInputStream().readNBytes(MAX_SECURE_MESSAGE + 1);
    if (body.length > MAX_SECURE_MESSAGE) {
      throw new ProblemException(
          FederationProblems.UPDATE_TOO_LARGE,
          "a secure aggregation message is at most " + MAX_SECURE_MESSAGE + " bytes");
    }
    return body;
  }

  /** The federation's id, when the caller's tenant owns it (the key holder is the owner). */
  private UUID ownedFederation(String federationId) {
    var caller = CurrentPrincipal.require();
    var federation = federations.find(caller, FederationController.parseId(federationId));
    if (!FederationService.owns(caller, federation)) {
      throw new ProblemException(
          FederationProblems.OWNER_ONLY, "only the federation's owner holds its Paillier key");
    }
    return federation.id();
  }

  @GetMapping(
      path = "/rounds/{round}/secagg/{nodeId}/{what}",
      produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A node fetches what the next stage of the round's secure aggregation gives it",
      description =
          "what is bundles (its neighbours' key bundles), boxes (the shares sealed to it) or"
              + " request (which neighbours' shares to reveal). 200 once that stage has opened, 204"
              + " when it did not within 'wait' seconds, 409 when the round aborted (with the"
              + " reason) or is past that stage.")
  ResponseEntity<byte[]> secureFetch(
      @PathVariable String federationId,
      @PathVariable int round,
      @PathVariable String nodeId,
      @PathVariable String what,
      @Parameter(description = "seconds to wait, 0 to 60") @RequestParam(defaultValue = "30")
          int wait)
      throws InterruptedException {
    requireWait(wait);
    byte[] out =
        coordinator.secureFetch(
            CurrentPrincipal.require(),
            FederationController.parseId(federationId),
            round,
            parseNode(nodeId),
            what,
            Duration.ofSeconds(wait));
    return out == null ? ResponseEntity.noContent().build() : ResponseEntity.ok(out);
  }

  @PutMapping(path = "/rounds/{round}/updates/{nodeId}", consumes = StreamedBodies.SAFETENSORS)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A node uploads its update for the round, as one safetensors file",
      description =
          "One tensor 'parameters' of the model's shape (F32, F64, F16 or BF16, finite); metadata"
              + " 'examples' (required), 'steps', 'data.sha256' and 'train.*' / 'evaluate.*'"
              + " metrics. 201 once stored durably and folded; the same file again answers 200"
              + " with the same receipt (Idempotent-Replayed: true) and is counted once. For"
              + " large models use the resumable uploads below.")
  ResponseEntity<ReceiptView> update(
      @PathVariable String federationId,
      @PathVariable int round,
      @PathVariable String nodeId,
      @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
      HttpServletRequest request)
      throws IOException {
    Coordinator.Receipt receipt =
        coordinator.submit(
            CurrentPrincipal.require(),
            FederationController.parseId(federationId),
            round,
            parseNode(nodeId),
            key(idempotencyKey),
            request.getInputStream());
    return receipt(receipt);
  }

  @PostMapping(
      path = "/rounds/{round}/updates/{nodeId}/uploads",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "Start a resumable upload of an update of totalBytes",
      description =
          "Then PUT its bytes in order to the upload's URL in chunks, each with Content-Range:"
              + " bytes first-last/total; GET it to learn where it stands after an interruption."
              + " The chunk that completes it submits the update.")
  ResponseEntity<UploadView> createUpload(
      @PathVariable String federationId,
      @PathVariable int round,
      @PathVariable String nodeId,
      @Valid @RequestBody CreateUploadRequest body,
      UriComponentsBuilder uri)
      throws IOException {
    Rounds.Upload upload =
        coordinator.createUpload(
            CurrentPrincipal.require(),
            FederationController.parseId(federationId),
            round,
            parseNode(nodeId),
            body.totalBytes());
    return ResponseEntity.created(
            uri.path("/api/v1/federations/{f}/rounds/{r}/updates/{n}/uploads/{u}")
                .buildAndExpand(federationId, round, nodeId, upload.id())
                .toUri())
        .body(UploadView.of(upload, upload.received()));
  }

  @GetMapping("/rounds/{round}/updates/{nodeId}/uploads/{uploadId}")
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(summary = "Where a resumable upload stands: the next byte it expects")
  UploadView upload(
      @PathVariable String federationId,
      @PathVariable int round,
      @PathVariable String nodeId,
      @PathVariable String uploadId) {
    Rounds.Upload upload =
        coordinator.upload(
            CurrentPrincipal.require(),
            FederationController.parseId(federationId),
            round,
            parseNode(nodeId),
            parseUpload(uploadId));
    return UploadView.of(upload, upload.received());
  }

  @PutMapping(
      path = "/rounds/{round}/updates/{nodeId}/uploads/{uploadId}",
      consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "Send the next chunk of a resumable upload (Content-Range: bytes a-b/total)",
      description =
          "200 with the new offset; 201 with the receipt for the chunk that completes it; 409"
              + " federation-upload-offset-mismatch when the chunk does not start where the"
              + " upload stands.")
  ResponseEntity<?> chunk(
      @PathVariable String federationId,
      @PathVariable int round,
      @PathVariable String nodeId,
      @PathVariable String uploadId,
      @RequestHeader(name = HttpHeaders.CONTENT_RANGE, required = false) @Nullable String range,
      @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
      HttpServletRequest request)
      throws IOException {
    Matcher matcher = range == null ? null : CONTENT_RANGE.matcher(range.strip());
    Matcher completion = range == null ? null : COMPLETION.matcher(range.strip());
    long first;
    long length;
    long total;
    if (matcher != null && matcher.matches()) {
      first = Long.parseLong(matcher.group(1));
      long last = Long.parseLong(matcher.group(2));
      total = Long.parseLong(matcher.group(3));
      if (last < first) {
        throw new ProblemException(
            FederationProblems.UPLOAD_OFFSET_MISMATCH, "Content-Range ends before it starts");
      }
      length = last - first + 1;
    } else if (completion != null && completion.matches()) {
      // No bytes, only "submit what arrived": after every byte was sent but the answer was lost.
      total = Long.parseLong(completion.group(1));
      first = total;
      length = 0;
    } else {
      throw new ProblemException(
          FederationProblems.UPLOAD_OFFSET_MISMATCH,
          "each chunk needs Content-Range: bytes first-last/total (or bytes */total to submit"
              + " an upload whose bytes all arrived)");
    }
    Coordinator.ChunkResult result =
        coordinator.appendChunk(
            CurrentPrincipal.require(),
            FederationController.parseId(federationId),
            round,
            parseNode(nodeId),
            parseUpload(uploadId),
            first,
            length,
            total,
            key(idempotencyKey),
            request.getInputStream());
    if (result.receipt() != null) {
      return receipt(result.receipt());
    }
    return ResponseEntity.ok(new OffsetView(result.offset(), result.totalBytes()));
  }

  @GetMapping("/rounds")
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(summary = "The rounds so far, with their aggregated metrics")
  List<RoundView> rounds(@PathVariable String federationId) {
    FederationRecord federation =
        federations.find(CurrentPrincipal.require(), FederationController.parseId(federationId));
    return rounds.of(federation.id()).stream().map(RoundView::of).toList();
  }

  @GetMapping("/rounds/{round}")
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(
      summary = "One round, with contributions",
      description =
          "The owner sees each participant tenant's contribution (updates, examples, mean"
              + " metrics); a participant sees its own nodes' tasks and nothing of the others.")
  RoundDetailView round(@PathVariable String federationId, @PathVariable int round) {
    Caller caller = CurrentPrincipal.require();
    FederationRecord federation =
        federations.find(caller, FederationController.parseId(federationId));
    Rounds.Round found =
        rounds
            .find(federation.id(), round)
            .orElseThrow(
                () ->
                    new ProblemException(
                        FederationProblems.ROUND_NOT_FOUND,
                        "Federation '" + federation.name() + "' has no round " + round + " yet"));
    boolean owner = FederationService.owns(caller, federation);
    List<Rounds.Task> tasks = rounds.tasks(federation.id(), round, owner ? null : caller.tenant());
    Map<String, ContributionView> byTenant = new TreeMap<>();
    if (owner) {
      Map<TenantId, List<Rounds.Task>> grouped =
          new TreeMap<>(java.util.Comparator.comparing(TenantId::toString));
      tasks.forEach(
          t -> grouped.computeIfAbsent(t.tenant(), k -> new java.util.ArrayList<>()).add(t));
      grouped.forEach((tenant, list) -> byTenant.put(tenant.toString(), ContributionView.of(list)));
    }
    return new RoundDetailView(
        RoundView.of(found),
        owner ? byTenant : Map.of(),
        owner ? List.of() : tasks.stream().map(TaskStateView::of).toList());
  }

  @GetMapping("/provenance")
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(summary = "How the final model came to be, once the federation completed")
  Map<String, String> provenance(@PathVariable String federationId) {
    FederationRecord federation =
        federations.find(CurrentPrincipal.require(), FederationController.parseId(federationId));
    return federations.provenance(federation);
  }

  private static ResponseEntity<ReceiptView> receipt(Coordinator.Receipt receipt) {
    ReceiptView view =
        new ReceiptView(
            receipt.round(),
            receipt.nodeId().toString(),
            receipt.sha256(),
            receipt.bytes(),
            receipt.sequence(),
            receipt.acceptedAt());
    return receipt.replayed()
        ? ResponseEntity.ok().header("Idempotent-Replayed", "true").body(view)
        : ResponseEntity.status(HttpStatus.CREATED).body(view);
  }

  private static @Nullable String key(@Nullable String idempotencyKey) {
    if (idempotencyKey == null) {
      return null;
    }
    if (!idempotencyKey.matches("[\\x21-\\x7E]{1,255}")) {
      throw new ProblemException(
          ProblemTypes.INVALID_PARAMETER, "Idempotency-Key must be 1-255 visible ASCII characters");
    }
    return idempotencyKey;
  }

  private static UUID parseNode(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw NodeService.notFound(new UUID(0, 0));
    }
  }

  private static UUID parseUpload(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(FederationProblems.UPLOAD_NOT_FOUND, "No upload has that id");
    }
  }

  /** A node's next task. */
  record TaskView(
      String type,
      @Nullable String state,
      @Nullable Integer round,
      @Nullable Integer attempt,
      @Nullable Integer modelVersion,
      @Nullable String model,
      @Nullable String update,
      @Nullable Integer parameters,
      @Nullable TrainingView training,
      @Nullable Long seed,
      @Nullable Instant deadline,
      @Nullable SecureTaskView secureAggregation,
      @Nullable AnalysisTaskView analysis) {

    static TaskView finished(String state) {
      return new TaskView(
          "finished", state, null, null, null, null, null, null, null, null, null, null, null);
    }

    static TaskView analyze(AnalysisTaskView analysis) {
      return new TaskView(
          "analyze",
          null,
          null,
          null,
          analysis.modelVersion(),
          analysis.model(),
          null,
          null,
          null,
          null,
          analysis.deadline(),
          null,
          analysis);
    }
  }

  /**
   * A federated analysis the node is asked for: summarise its own data with model version {@code
   * modelVersion} as the kind's {@code spec} says, in {@code length} numbers, and send them to
   * {@code summary} (or decline there).
   */
  record AnalysisTaskView(
      String id,
      String kind,
      Map<String, Object> spec,
      int modelVersion,
      String model,
      int length,
      @Nullable Instant deadline,
      String summary,
      @Nullable SecureTaskView secureAggregation) {
    static AnalysisTaskView of(UUID federation, UUID node, Coordinator.AnalyzeOffer offer) {
      Analyses.Analysis a = offer.analysis();
      SecureSession session = offer.secure();
      SecureTaskView secure = null;
      if (session != null) {
        secure =
            SecureTaskView.of(
                session.round(),
                session.clients().indexOf(node),
                session.stageTimeout(),
                "/api/v1/federations/" + federation + "/analyses/" + a.id() + "/secagg/" + node);
      }
      return new AnalysisTaskView(
          a.id().toString(),
          a.kind(),
          a.spec(),
          offer.modelVersion(),
          "/api/v1/federations/" + federation + "/models/" + offer.modelVersion(),
          a.length(),
          a.deadline(),
          "/api/v1/federations/" + federation + "/analyses/" + a.id() + "/summaries/" + node,
          secure);
    }
  }

  /**
   * The secure round a task belongs to: everything a node needs to take part (the round's agreed
   * parameters, the participants in index order, its own index, the graph's seed) and where its
   * stages are. Under Paillier: the key holder's public key and quantisation in {@code parameters},
   * the most inputs a round sums in {@code index}, and where to send the encrypted change ({@code
   * {round}} in {@code endpoint} is the task's round).
   */
  record SecureTaskView(
      String protocol,
      Map<String, String> parameters,
      String federation,
      int round,
      int attempt,
      List<String> clients,
      int index,
      long graphSeed,
      int length,
      long stageTimeoutSeconds,
      String endpoint) {

    static @Nullable SecureTaskView of(
        UUID federation, UUID node, Coordinator.@Nullable SecureTask task) {
      if (task == null) {
        return null;
      }
      if (task.paillier() != null) {
        return new SecureTaskView(
            "paillier",
            task.paillier().toMap(),
            federation.toString(),
            0,
            0,
            List.of(),
            task.clients(),
            0,
            task.length(),
            task.stageTimeout().toSeconds(),
            "/api/v1/federations/" + federation + "/rounds/{round}/paillier/" + node);
      }
      var round = java.util.Objects.requireNonNull(task.round());
      return of(
          round,
          task.index(),
          task.stageTimeout(),
          "/api/v1/federations/" + federation + "/rounds/" + round.round() + "/secagg/" + node);
    }

    /**
     * A SecAgg round's view for the client of index {@code index}, its stages at {@code endpoint}.
     */
    static SecureTaskView of(
        io.truststram.federation.secagg.SecAggRound round,
        int index,
        java.time.Duration stageTimeout,
        String endpoint) {
      return new SecureTaskView(
          round.parameters().protocol(),
          round.parameters().toMap(),
          round.federation(),
          round.round(),
          round.attempt(),
          round.clients(),
          index,
          round.graphSeed(),
          round.length(),
          stageTimeout.toSeconds(),
          endpoint);
    }
  }

  /** How to train. */
  record TrainingView(
      int epochs,
      int batchSize,
      double learningRate,
      double momentum,
      double proximalMu,
      @Nullable PrivacyView privacy) {
    static TrainingView of(io.truststram.federation.strategy.LocalTraining t) {
      return new TrainingView(
          t.epochs(),
          t.batchSize(),
          t.learningRate(),
          t.momentum(),
          t.proximalMu(),
          t.privacy() == null
              ? null
              : new PrivacyView(
                  t.privacy().clipNorm(),
                  t.privacy().noiseStddev(),
                  t.privacy().exampleClipNorm(),
                  t.privacy().exampleNoiseMultiplier()));
    }
  }

  /**
   * What the node must do for privacy (0 turns a step off): train with DP-SGD (each example's
   * gradient clipped to {@code exampleClipNorm}, noise of {@code exampleNoiseMultiplier} times that
   * on each step), clip its change to {@code clipNorm}, and add Gaussian noise of standard
   * deviation {@code noiseStddev} to every parameter.
   */
  record PrivacyView(
      double clipNorm, double noiseStddev, double exampleClipNorm, double exampleNoiseMultiplier) {}

  /** The acknowledgement of an update. */
  record ReceiptView(
      int round, String nodeId, String sha256, long bytes, long sequence, Instant acceptedAt) {}

  /** The body that starts a resumable upload. */
  record CreateUploadRequest(@Min(8) long totalBytes) {}

  /** A resumable upload. */
  record UploadView(String id, long totalBytes, long offset, Instant createdAt) {
    static UploadView of(Rounds.Upload upload, long offset) {
      return new UploadView(
          upload.id().toString(), upload.totalBytes(), offset, upload.createdAt());
    }
  }

  /** Where an upload stands after a chunk. */
  record OffsetView(long offset, long totalBytes) {}

  /** A round. */
  record RoundView(
      int round,
      int attempt,
      String state,
      int selected,
      int updates,
      long examples,
      Instant openedAt,
      Instant deadline,
      @Nullable Instant closedAt,
      @Nullable String modelSha256,
      Map<String, Double> metrics,
      @Nullable Long aggregationMillis) {
    static RoundView of(Rounds.Round r) {
      return new RoundView(
          r.round(),
          r.attempt(),
          r.state().toLowerCase(Locale.ROOT),
          r.selected(),
          r.accepted(),
          r.examples(),
          r.openedAt(),
          r.deadline(),
          r.closedAt(),
          r.modelSha256(),
          r.metrics(),
          r.aggregationMillis());
    }
  }

  /** One tenant's part in a round, as the owner sees it. */
  record ContributionView(int nodes, int updates, long examples, Map<String, Double> metrics) {
    static ContributionView of(List<Rounds.Task> tasks) {
      List<Rounds.Task> submitted = tasks.stream().filter(Rounds.Task::submitted).toList();
      Map<String, double[]> sums = new TreeMap<>();
      long examples = 0;
      for (Rounds.Task task : submitted) {
        long weight = task.examples() == null ? 0 : task.examples();
        examples += weight;
        task.metrics()
            .forEach(
                (name, value) -> {
                  double[] sum = sums.computeIfAbsent(name, n -> new double[2]);
                  sum[0] += weight * value;
                  sum[1] += weight;
                });
      }
      Map<String, Double> means = new TreeMap<>();
      sums.forEach((name, sum) -> means.put(name, sum[1] > 0 ? sum[0] / sum[1] : 0));
      return new ContributionView(tasks.size(), submitted.size(), examples, means);
    }
  }

  /** One of the caller's own nodes' task in a round. */
  record TaskStateView(
      String nodeId,
      String state,
      @Nullable Instant submittedAt,
      @Nullable Long examples,
      Map<String, Double> metrics) {
    static TaskStateView of(Rounds.Task task) {
      return new TaskStateView(
          task.nodeId().toString(),
          task.state().toLowerCase(Locale.ROOT),
          task.submittedAt(),
          task.examples(),
          task.metrics());
    }
  }

  /** A round with the contributions the caller may see. */
  record RoundDetailView(
      RoundView round, Map<String, ContributionView> participants, List<TaskStateView> ownTasks) {}
}
