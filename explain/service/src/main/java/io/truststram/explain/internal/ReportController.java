package io.truststram.explain.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.crypto.PlatformKeys;
import io.truststram.explain.internal.ExplainStore.ReportRecord;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.type.TypeReference;

/** {@code /api/v1/explanations/reports}: signed compliance reports of a model. */
@RestController
@RequestMapping(path = "/api/v1/explanations/reports", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "Compliance reports",
    description =
        "Technical documentation of a model as a model card mapped to Annex IV of the AI Act,"
            + " as HTML and PDF, hashed into a manifest the tenant's platform key signs.")
class ReportController {

  private final ComplianceReports reports;

  ReportController(ComplianceReports reports) {
    this.reports = reports;
  }

  /** The evaluation set a report's numbers come from. */
  record Evaluation(
      @NotNull @Size(min = 2) List<@NotNull List<@Nullable Double>> rows,
      @NotNull List<@NotNull Boolean> labels,
      @NotNull @Size(min = 1, max = 8) Map<String, @NotNull List<String>> attributes,
      @Nullable Double threshold,
      @Nullable @Min(0) Integer output,
      @Nullable String policy,
      @Nullable @Min(0) @Max(2_000) Integer bootstrap) {}

  /** What the provider says of the model. */
  record ReportBody(
      @NotNull UUID model,
      @NotBlank @Size(max = 300) String title,
      @NotBlank @Size(max = 5_000) String intendedUse,
      @Nullable @Size(max = 5_000) String outOfScopeUses,
      @Nullable @Size(max = 5_000) String trainingData,
      @Nullable @Size(max = 5_000) String evaluationData,
      @Nullable @Size(max = 5_000) String limitations,
      @Nullable @Size(max = 5_000) String ethicalConsiderations,
      @NotNull @Valid Evaluation evaluation) {}

  /** The signature over a report's manifest. */
  record SignatureView(String algorithm, int keyVersion, String value) {}

  /**
   * A signed report; {@code signedManifest} is the manifest exactly as its UTF-8 bytes were signed.
   */
  record ReportView(
      UUID id,
      UUID model,
      String title,
      Map<String, Object> manifest,
      String signedManifest,
      @Nullable SignatureView signature,
      Instant createdAt,
      Instant expiresAt) {
    static ReportView of(ReportRecord r) {
      return new ReportView(
          r.id(),
          r.modelId(),
          r.title(),
          ExplainStore.JSON.readValue(r.manifest(), new TypeReference<Map<String, Object>>() {}),
          r.manifest(),
          r.signature() == null || r.signatureAlgorithm() == null || r.signatureKey() == null
              ? null
              : new SignatureView(
                  r.signatureAlgorithm(),
                  r.signatureKey(),
                  Base64.getEncoder().encodeToString(r.signature())),
          r.createdAt(),
          r.expiresAt());
    }
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "Write and sign a compliance report of a model",
      description =
          "Computes, on the evaluation set: accuracy, ROC AUC, log loss and F1; per group and"
              + " intersection the rates and Fairlearn's disparities with bootstrap intervals;"
              + " global SHAP importance with charts; the bias gate (the named policy, else the"
              + " four-fifths rule). 201 with the manifest (hashes of the HTML and PDF) and its"
              + " signature.")
  ResponseEntity<ReportView> create(@Valid @RequestBody ReportBody body, UriComponentsBuilder uri) {
    Caller caller = CurrentPrincipal.require();
    Evaluation e = body.evaluation();
    ComplianceReports.Signed signed =
        reports.create(
            caller,
            new ComplianceReports.Request(
                body.model(),
                body.title(),
                body.intendedUse(),
                body.outOfScopeUses(),
                body.trainingData(),
                body.evaluationData(),
                body.limitations(),
                body.ethicalConsiderations(),
                e.rows(),
                e.labels(),
                e.attributes(),
                e.threshold(),
                e.output(),
                e.policy(),
                e.bootstrap()));
    return ResponseEntity.created(
            uri.path("/api/v1/explanations/reports/{id}")
                .buildAndExpand(signed.record().id())
                .toUri())
        .body(ReportView.of(signed.record()));
  }

  /** A version of the key that signs reports. */
  record PublicKeyView(String algorithm, int version, String publicKey) {}

  @GetMapping("/public-keys")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "The public keys that verify the tenant's report signatures (base64)")
  List<PublicKeyView> publicKeys() {
    return reports.publicKeys(CurrentPrincipal.require()).stream()
        .map(
            (PlatformKeys.PublicKey k) ->
                new PublicKeyView(
                    k.algorithm(), k.version(), Base64.getEncoder().encodeToString(k.publicKey())))
        .toList();
  }

  @GetMapping("/{id}")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "A report's manifest and signature")
  ReportView get(@PathVariable String id) {
    return ReportView.of(reports.report(CurrentPrincipal.require(), parse(id)));
  }

  @GetMapping(path = "/{id}/report.html", produces = MediaType.TEXT_HTML_VALUE)
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "The report as HTML (charts as inline SVG)")
  ResponseEntity<byte[]> html(@PathVariable String id) throws IOException {
    try (InputStream in = reports.open(CurrentPrincipal.require(), parse(id), false)) {
      return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(in.readAllBytes());
    }
  }

  @GetMapping(path = "/{id}/report.pdf", produces = MediaType.APPLICATION_PDF_VALUE)
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "The report as PDF")
  ResponseEntity<byte[]> pdf(@PathVariable String id) throws IOException {
    try (InputStream in = reports.open(CurrentPrincipal.require(), parse(id), true)) {
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF).body(in.readAllBytes());
    }
  }

  private static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new io.truststram.common.problem.ProblemException(
          io.truststram.explain.ExplainProblems.REPORT_NOT_FOUND, "no report " + id);
    }
  }
}
