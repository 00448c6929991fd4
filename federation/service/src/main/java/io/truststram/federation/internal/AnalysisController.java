package io.truststram.federation.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.problem.ProblemException;
import io.truststram.federation.FederationProblems;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Federated analyses: {@code /api/v1/federations/{federationId}/analyses}. The owner asks for a
 * statistic across the nodes (fairness by group, global feature importance); nodes answer with
 * summaries of their own data; owner and participants read the result. See
 * docs/federation/analytics.md.
 */
@RestController
@RequestMapping(
    path = "/api/v1/federations/{federationId}/analyses",
    produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Federated analytics", description = "Statistics across nodes, without their rows")
class AnalysisController {

  private final FederationService federations;
  private final Coordinator coordinator;
  private final Analyses analyses;

  AnalysisController(FederationService federations, Coordinator coordinator, Analyses analyses) {
    this.federations = federations;
    this.coordinator = coordinator;
    this.analyses = analyses;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('federation:manage')")
  @Operation(
      summary = "Ask the federation's nodes for an analysis (owner only)",
      description =
          "kind names the statistic (fairness, importance); spec its parameters. Without"
              + " modelVersion the analysis waits for the final model. 400 for an unknown kind or"
              + " unusable spec, 404 for a model version not made, 409 for a failed federation"
              + " or one that aggregates securely.")
  ResponseEntity<AnalysisView> create(
      @PathVariable String federationId,
      @Valid @RequestBody CreateAnalysisRequest body,
      UriComponentsBuilder uri) {
    Caller caller = CurrentPrincipal.require();
    FederationRecord federation =
        federations.requireOwner(
            caller, FederationController.parseId(federationId), "ask for analyses");
    Analyses.Analysis created =
        analyses.create(
            caller,
            federation,
            new Analyses.Request(
                body.kind(),
                body.spec() == null ? Map.of() : body.spec(),
                body.modelVersion(),
                body.minContributors(),
                body.timeoutSeconds()));
    coordinator.signal(federation.id());
    return ResponseEntity.created(
            uri.path("/api/v1/federations/{f}/analyses/{a}")
                .buildAndExpand(federation.id(), created.id())
                .toUri())
        .body(AnalysisView.of(created));
  }

  @GetMapping
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(summary = "The federation's analyses, newest first")
  AnalysisList list(
      @PathVariable String federationId,
      @Parameter(description = "at most this many, 1 to 200") @RequestParam(defaultValue = "50")
          int limit) {
    if (limit < 1 || limit > 200) {
      throw new ProblemException(
          io.truststram.common.problem.ProblemTypes.INVALID_PARAMETER, "limit is 1 to 200");
    }
    FederationRecord federation =
        federations.find(CurrentPrincipal.require(), FederationController.parseId(federationId));
    return new AnalysisList(
        analyses.of(federation.id(), limit).stream().map(AnalysisView::of).toList());
  }

  @GetMapping("/{analysisId}")
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(summary = "One analysis: its state and, once completed, its result")
  AnalysisView get(@PathVariable String federationId, @PathVariable String analysisId) {
    FederationRecord federation =
        federations.find(CurrentPrincipal.require(), FederationController.parseId(federationId));
    UUID id = parseAnalysis(analysisId);
    return AnalysisView.of(
        analyses.find(federation.id(), id).orElseThrow(() -> Analyses.notFound(id)));
  }

  @PutMapping(
      path = "/{analysisId}/summaries/{nodeId}",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A node sends its summary for the analysis, or declines",
      description =
          "201 when taken, 200 when the same answer was taken before; 409 when the analysis is"
              + " not open or the node answered differently; 422 for a summary of the wrong"
              + " length, not finite, or impossible for the kind (negative counts).")
  ResponseEntity<Map<String, Object>> answer(
      @PathVariable String federationId,
      @PathVariable String analysisId,
      @PathVariable String nodeId,
      @Valid @RequestBody SummaryRequest body) {
    UUID federation = FederationController.parseId(federationId);
    UUID node = parseNode(nodeId);
    Nodes.Node acting = coordinator.actingNode(CurrentPrincipal.require(), federation, node);
    UUID id = parseAnalysis(analysisId);
    double[] summary = null;
    if (body.summary() != null) {
      summary = new double[body.summary().size()];
      for (int i = 0; i < summary.length; i++) {
        Double v = body.summary().get(i);
        if (v == null) {
          throw new ProblemException(
              FederationProblems.INVALID_SUMMARY, "a summary's numbers are not null");
        }
        summary[i] = v;
      }
    }
    boolean taken =
        analyses.answer(acting, federation, id, new Analyses.Answer(summary, body.declined()));
    Map<String, Object> receipt =
        Map.of("analysisId", id.toString(), "nodeId", node.toString(), "replayed", !taken);
    return taken
        ? ResponseEntity.status(HttpStatus.CREATED).body(receipt)
        : ResponseEntity.ok().header("Idempotent-Replayed", "true").body(receipt);
  }

  @PostMapping(
      path = "/{analysisId}/secagg/{nodeId}/{stage}",
      consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A node sends a stage message of the analysis's secure aggregation",
      description =
          "stage is keys, shares, masked, confirm or unmask, as in a secure training round. 204"
              + " when taken; 409 when the analysis is not aggregated securely, not open, or the"
              + " message is refused (wrong stage, replayed, malformed).")
  ResponseEntity<Void> secureMessage(
      @PathVariable String federationId,
      @PathVariable String analysisId,
      @PathVariable String nodeId,
      @PathVariable String stage,
      jakarta.servlet.http.HttpServletRequest request)
      throws java.io.IOException {
    UUID federation = FederationController.parseId(federationId);
    Nodes.Node acting =
        coordinator.actingNode(CurrentPrincipal.require(), federation, parseNode(nodeId));
    byte[] body = request.getInputStream().readNBytes(MAX_SECURE_MESSAGE + 1);
    if (body.length > MAX_SECURE_MESSAGE) {
      throw new ProblemException(
          FederationProblems.UPDATE_TOO_LARGE,
          "a secure aggregation message of an analysis is at most "
              + MAX_SECURE_MESSAGE
              + " bytes");
    }
    analyses.secureMessage(acting, federation, parseAnalysis(analysisId), stage, body);
    return ResponseEntity.noContent().build();
  }

  @GetMapping(
      path = "/{analysisId}/secagg/{nodeId}/{what}",
      produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(
      summary = "A node fetches what the next stage of the analysis's secure aggregation gives it",
      description =
          "what is bundles, boxes, survivors or request. 200 once that stage opened, 204 when it"
              + " did not within 'wait' seconds, 409 when the aggregation aborted (with the"
              + " reason) or is past that stage.")
  ResponseEntity<byte[]> secureFetch(
      @PathVariable String federationId,
      @PathVariable String analysisId,
      @PathVariable String nodeId,
      @PathVariable String what,
      @Parameter(description = "seconds to wait, 0 to 60") @RequestParam(defaultValue = "30")
          int wait)
      throws InterruptedException {
    if (wait < 0 || wait > 60) {
      throw new ProblemException(
          io.truststram.common.problem.ProblemTypes.INVALID_PARAMETER,
          "wait must be 0 to 60 seconds");
    }
    UUID federation = FederationController.parseId(federationId);
    Nodes.Node acting =
        coordinator.actingNode(CurrentPrincipal.require(), federation, parseNode(nodeId));
    byte[] out =
        analyses.secureFetch(
            acting,
            federation,
            parseAnalysis(analysisId),
            what,
            java.time.Duration.ofSeconds(wait));
    return out == null ? ResponseEntity.noContent().build() : ResponseEntity.ok(out);
  }

  /** The largest stage message of an analysis: a masked summary of 50,000 48-bit words. */
  private static final int MAX_SECURE_MESSAGE = 1 << 20;

  private static UUID parseNode(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw NodeService.notFound(new UUID(0, 0));
    }
  }

  private static UUID parseAnalysis(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw Analyses.notFound(new UUID(0, 0));
    }
  }

  /** The body that asks for an analysis. */
  record CreateAnalysisRequest(
      @NotBlank @Size(max = 64) String kind,
      @Nullable Map<String, Object> spec,
      @Nullable Integer modelVersion,
      @Nullable Integer minContributors,
      @Nullable Integer timeoutSeconds) {}

  /** A node's answer: its summary, or why it declines. */
  record SummaryRequest(
      @Nullable @Size(max = Analyses.MAX_LENGTH) List<@NotNull Double> summary,
      @Nullable @Size(max = 1000) String declined) {}

  /** An analysis. */
  record AnalysisView(
      String id,
      String federationId,
      String kind,
      Map<String, Object> spec,
      @Nullable Integer modelVersion,
      String state,
      int minContributors,
      int contributors,
      int declined,
      int timeoutSeconds,
      Instant createdAt,
      @Nullable Instant openedAt,
      @Nullable Instant deadline,
      @Nullable Instant closedAt,
      @Nullable Map<String, Object> result,
      @Nullable String failure) {
    static AnalysisView of(Analyses.Analysis a) {
      return new AnalysisView(
          a.id().toString(),
          a.federationId().toString(),
          a.kind(),
          a.spec(),
          a.modelVersion(),
          a.state().name().toLowerCase(Locale.ROOT),
          a.minContributors(),
          a.contributors(),
          a.declined(),
          a.timeoutSeconds(),
          a.createdAt(),
          a.openedAt(),
          a.deadline(),
          a.closedAt(),
          a.result(),
          a.failure());
    }
  }

  /** A federation's analyses. */
  record AnalysisList(List<AnalysisView> items) {}
}
