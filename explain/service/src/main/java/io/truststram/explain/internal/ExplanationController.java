package io.truststram.explain.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.explain.ExplainProblems;
import io.truststram.explain.internal.ExplainStore.ExplanationRecord;
import io.truststram.explain.internal.ExplainStore.ModelRecord;
import io.truststram.explain.internal.ExplainStore.RowRecord;
import io.truststram.platform.audit.Audited;
import io.truststram.platform.audit.NotAudited;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import io.truststram.platform.web.StreamedBodies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** {@code /api/v1/explanations}: models to explain, explanations, the archive, retention. */
@RestController
@RequestMapping(path = "/api/v1/explanations", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "Explanations",
    description =
        "Upload a model (XGBoost JSON, TrustStram safetensors, ONNX), explain rows of it (SHAP,"
            + " LIME, integrated gradients), and retrieve any served explanation by its id or by"
            + " the decision it explains.")
class ExplanationController {

  private final Explanations explanations;
  private final ExplainProperties properties;
  private final Plots plots;

  ExplanationController(Explanations explanations, ExplainProperties properties, Plots plots) {
    this.explanations = explanations;
    this.properties = properties;
    this.plots = plots;
  }

  /** An uploaded model. */
  record ModelView(
      UUID id,
      String name,
      String format,
      String sha256,
      long size,
      List<String> features,
      int outputs,
      Instant createdAt) {
    static ModelView of(ModelRecord m) {
      return new ModelView(
          m.id(),
          m.name(),
          m.format(),
          m.sha256(),
          m.size(),
          m.features(),
          m.outputs(),
          m.createdAt());
    }
  }

  record ModelPage(List<ModelView> items, @Nullable String nextCursor) {}

  @PostMapping(
      path = "/models",
      consumes = {MediaType.APPLICATION_OCTET_STREAM_VALUE, StreamedBodies.SAFETENSORS})
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "Upload a model to explain",
      description =
          "The body is the model file: XGBoost JSON (Booster.save_model), a TrustStram safetensors"
              + " model (fl simulate --model) or ONNX (one float input [rows, features]). format"
              + " is xgboost-json, truststram, onnx or auto (by content). 201 with the model's"
              + " features and outputs; 400 when the bytes are not such a model or exceed"
              + " truststram.explain.max-model-size.")
  ResponseEntity<ModelView> upload(
      @RequestParam String name,
      @RequestParam(defaultValue = "auto") String format,
      HttpServletRequest request,
      UriComponentsBuilder uri)
      throws IOException {
    if (!List.of("auto", "xgboost-json", "truststram", "onnx", Explanations.TRANSFORMER)
        .contains(format)) {
      throw new ProblemException(
          ExplainProblems.INVALID_MODEL,
          "format is xgboost-json, truststram, onnx, onnx-transformer or auto, not '"
              + format
              + "'");
    }
    ModelRecord model;
    try (InputStream body = request.getInputStream()) {
      model = explanations.upload(CurrentPrincipal.require(), name, format, body);
    }
    return ResponseEntity.created(
            uri.path("/api/v1/explanations/models/{id}").buildAndExpand(model.id()).toUri())
        .body(ModelView.of(model));
  }

  @GetMapping("/models")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "List the tenant's models, paged by cursor")
  ModelPage models(
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    Page<ModelRecord> page =
        explanations.models(CurrentPrincipal.require(), PageRequest.of(limit, cursor));
    return new ModelPage(page.items().stream().map(ModelView::of).toList(), page.nextCursor());
  }

  @GetMapping("/models/{id}")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "A model's features, outputs and hash")
  ModelView model(@PathVariable String id) {
    return ModelView.of(explanations.model(CurrentPrincipal.require(), parseId(id, true)));
  }

  @DeleteMapping("/models/{id}")
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "Delete a model",
      description = "Its explanations stay archived (with its hash) until their retention ends.")
  ResponseEntity<Void> deleteModel(@PathVariable String id) throws IOException {
    explanations.deleteModel(CurrentPrincipal.require(), parseId(id, true));
    return ResponseEntity.noContent().build();
  }

  /** A request to explain rows of a model. */
  record ExplainBody(
      @NotNull UUID model,
      @NotBlank @Size(max = 40) String method,
      @NotNull @Size(min = 1) List<@NotNull List<@Nullable Double>> rows,
      @Nullable List<@NotNull List<@Nullable Double>> background,
      @Nullable List<@Nullable String> decisionIds,
      @Nullable @Size(max = 20) String link,
      @Nullable @Min(0) @Max(1_000_000) Integer samples,
      @Nullable @Min(0) @Max(10_000) Integer numFeatures,
      @Nullable @Min(1) @Max(1_000_000) Integer maxEvals,
      @Nullable Long seed,
      @Nullable @Min(1) @Max(10_000) Integer steps,
      @Nullable @Min(0) Integer output,
      @Nullable List<@Nullable Double> baseline,
      @Nullable CounterfactualSpec counterfactual) {

    Explanations.Request toRequest() {
      return new Explanations.Request(
          model,
          method,
          rows,
          background,
          decisionIds,
          link,
          samples,
          numFeatures,
          maxEvals,
          seed,
          steps,
          output,
          baseline,
          counterfactual);
    }
  }

  /** An explanation and what it depends on. */
  record ExplanationView(
      UUID id,
      UUID model,
      String modelSha256,
      String method,
      String status,
      int rows,
      int rowsDone,
      List<String> features,
      double @Nullable [] expectedValue,
      @Nullable Map<String, Object> provenance,
      @Nullable String error,
      boolean cached,
      String requestedBy,
      Instant createdAt,
      @Nullable Instant finishedAt,
      Instant expiresAt) {
    static ExplanationView of(ExplanationRecord e) {
      return new ExplanationView(
          e.id(),
          e.modelId(),
          e.modelSha256(),
          e.method(),
          e.status(),
          e.rowCount(),
          e.rowsDone(),
          e.features(),
          e.expectedValue(),
          e.provenance(),
          e.error(),
          e.cached(),
          e.principal(),
          e.createdAt(),
          e.finishedAt(),
          e.expiresAt());
    }
  }

  /** One explained row; a missing input value is null. */
  record RowView(
      int index,
      @Nullable String decisionId,
      List<@Nullable Double> input,
      double[] output,
      double[][] attributions,
      @Nullable Map<String, Object> detail) {
    static RowView of(RowRecord r) {
      return new RowView(
          r.index(),
          r.decisionId(),
          ExplainStore.nullForMissing(r.input()),
          r.output(),
          r.attributions(),
          r.detail());
    }
  }

  record RowPage(List<RowView> items, @Nullable String nextCursor) {}

  /** An explanation with the first page of its rows. */
  record ExplainResponse(
      ExplanationView explanation, List<RowView> items, @Nullable String nextCursor) {}

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "Explain rows of a model",
      description =
          "method: tree-path-dependent, tree-interventional, kernel, permutation, exact (SHAP),"
              + " lime (background = training rows), integrated-gradients (TrustStram models),"
              + " counterfactual (background = training rows; 'counterfactual' holds the outcome"
              + " and constraints)."
              + " Requests of up to truststram.explain.sync-rows rows are answered at once (201,"
              + " with the first rows); larger ones become jobs (202; poll the explanation, then"
              + " page its rows). Every explanation is archived with its provenance, by decision"
              + " id when given, for the tenant's retention.")
  ResponseEntity<ExplainResponse> explain(
      @Valid @RequestBody ExplainBody body, UriComponentsBuilder uri) {
    Caller caller = CurrentPrincipal.require();
    Explanations.Served served = explanations.explain(caller, body.toRequest());
    ExplanationRecord e = served.explanation();
    java.net.URI location = uri.path("/api/v1/explanations/{id}").buildAndExpand(e.id()).toUri();
    if (!served.done()) {
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .location(location)
          .body(new ExplainResponse(ExplanationView.of(e), List.of(), null));
    }
    Page<RowRecord> rows = explanations.rows(caller, e.id(), PageRequest.of(100, null));
    return ResponseEntity.created(location)
        .body(
            new ExplainResponse(
                ExplanationView.of(e),
                rows.items().stream().map(RowView::of).toList(),
                rows.nextCursor()));
  }

  record ExplanationPage(List<ExplanationView> items, @Nullable String nextCursor) {}

  @GetMapping
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "List the tenant's explanations, paged by cursor")
  ExplanationPage list(
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    Page<ExplanationRecord> page =
        explanations.explanations(CurrentPrincipal.require(), PageRequest.of(limit, cursor));
    return new ExplanationPage(
        page.items().stream().map(ExplanationView::of).toList(), page.nextCursor());
  }

  @GetMapping("/{id}")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "An explanation: its status (and a job's progress) and provenance")
  ExplanationView get(@PathVariable String id) {
    return ExplanationView.of(
        explanations.explanation(CurrentPrincipal.require(), parseId(id, false)));
  }

  @GetMapping("/{id}/rows")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(
      summary = "An explanation's rows, paged by cursor",
      description = "409 while a job runs or when it failed.")
  RowPage rows(
      @PathVariable String id,
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    Page<RowRecord> page =
        explanations.rows(
            CurrentPrincipal.require(), parseId(id, false), PageRequest.of(limit, cursor));
    return new RowPage(page.items().stream().map(RowView::of).toList(), page.nextCursor());
  }

  /** The explanation of one decision. */
  record DecisionView(ExplanationView explanation, RowView row) {}

  @GetMapping("/decisions/{decisionId}")
  @PreAuthorize("hasAuthority('explain:read')")
  @Audited
  @Operation(
      summary = "The explanation given for a decision (Article 86 AI Act)",
      description =
          "The latest archived explanation of the row served under this decision id, with what"
              + " it depends on. Each retrieval is audited.")
  DecisionView decision(@PathVariable String decisionId) {
    Map.Entry<ExplanationRecord, RowRecord> found =
        explanations.decision(CurrentPrincipal.require(), decisionId);
    return new DecisionView(ExplanationView.of(found.getKey()), RowView.of(found.getValue()));
  }

  @GetMapping(
      path = "/{id}/plots/{kind}",
      produces = {Plots.SVG, MediaType.IMAGE_PNG_VALUE})
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(
      summary = "A chart of an explanation, as SVG or PNG",
      description =
          "kind: waterfall and force (one row: row=), bar (mean |value|), beeswarm, dependence"
              + " (feature=), lime (a lime explanation's row), counterfactual (a row's diff"
              + " table). output= the output (class) drawn,"
              + " by default the last. Global charts draw the first 2,000 rows.")
  ResponseEntity<byte[]> plot(
      @PathVariable String id,
      @PathVariable String kind,
      @RequestParam(defaultValue = "0") int row,
      @RequestParam(required = false) @Nullable Integer output,
      @RequestParam(required = false) @Nullable String feature,
      @RequestParam(defaultValue = "svg") String format) {
    return plots.respond(
        explanations.plot(
            CurrentPrincipal.require(), parseId(id, false), kind, row, output, feature, plots),
        format);
  }

  /** A global explanation of a model on some rows. */
  record GlobalBody(
      @NotNull UUID model,
      @NotBlank @Size(max = 40) String method,
      @NotNull @Size(min = 1) List<@NotNull List<@Nullable Double>> rows,
      @Nullable List<Double> targets,
      @Nullable String scoring,
      @Nullable Integer repeats,
      @Nullable Long seed,
      @Nullable String feature,
      @Nullable Integer output,
      @Nullable Integer resolution,
      @Nullable Boolean ice) {}

  @PostMapping(path = "/global", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @NotAudited
  @Operation(
      summary = "Permutation importance or partial dependence (with ICE) of a model",
      description =
          "method permutation-importance (targets, scoring accuracy|neg_log_loss|r2, repeats,"
              + " seed) or partial-dependence (feature, output, resolution, ice), as"
              + " scikit-learn's, on the model's probabilities.")
  Map<String, Object> global(@Valid @RequestBody GlobalBody body) {
    return explanations.global(
        CurrentPrincipal.require(),
        body.model(),
        body.method(),
        body.rows(),
        body.targets(),
        body.scoring(),
        body.repeats(),
        body.seed(),
        body.feature(),
        body.output(),
        body.resolution(),
        Boolean.TRUE.equals(body.ice()));
  }

  /**
   * Attention weights of a transformer, as its runtime returned them, or an uploaded ONNX
   * transformer ({@code format=onnx-transformer}) to run on named inputs (nested arrays).
   */
  record AttentionBody(
      @Nullable @Size(min = 1, max = 256) List<@NotNull List<@NotNull List<@NotNull List<@NotNull Double>>>> attentions,
      @Nullable UUID model,
      @Nullable Map<String, Object> inputs,
      @Nullable String outputs,
      @Nullable List<String> tokens,
      @Nullable String method,
      @Nullable String headFusion) {}

  /** Per output token, how much it draws on each input token. */
  record AttentionView(
      List<String> tokens, String method, String headFusion, int layers, double[][] map) {}

  @PostMapping(path = "/attention", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @NotAudited
  @Operation(
      summary = "Attention rollout or flow over a transformer's layers",
      description =
          "attentions: [layer][head][query][key], each query's row a softmax (summing to 1);"
              + " method rollout (default) or flow (at most 128 tokens); headFusion mean"
              + " (default), max or min. Abnar and Zuidema (2020), the residual added as they do.")
  AttentionView attention(@Valid @RequestBody AttentionBody body) {
    if ((body.attentions() == null) == (body.model() == null)) {
      throw new ProblemException(
          ExplainProblems.INVALID_REQUEST, "give attentions, or a model with its inputs");
    }
    double[][][][] layers;
    if (body.model() != null) {
      Map<String, io.truststram.explain.onnx.OnnxModel.Input> inputs = new LinkedHashMap<>();
      if (body.inputs() == null || body.inputs().isEmpty()) {
        throw new ProblemException(ExplainProblems.INVALID_REQUEST, "a model needs its inputs");
      }
      try {
        body.inputs()
            .forEach(
                (name, value) ->
                    inputs.put(
                        name, io.truststram.explain.onnx.OnnxModel.Input.nested(name, value)));
      } catch (IllegalArgumentException e) {
        throw new ProblemException(ExplainProblems.INVALID_REQUEST, "inputs: " + e.getMessage());
      }
      layers =
          explanations.attentions(CurrentPrincipal.require(), body.model(), inputs, body.outputs());
    } else {
      layers = new double[body.attentions().size()][][][];
      for (int l = 0; l < layers.length; l++) {
        var heads = body.attentions().get(l);
        layers[l] = new double[heads.size()][][];
        for (int h = 0; h < heads.size(); h++) {
          var rows = heads.get(h);
          layers[l][h] = new double[rows.size()][];
          for (int i = 0; i < rows.size(); i++) {
            layers[l][h][i] = rows.get(i).stream().mapToDouble(Double::doubleValue).toArray();
          }
        }
      }
    }
    String method = body.method() == null ? "rollout" : body.method();
    String fusion = body.headFusion() == null ? "mean" : body.headFusion();
    try {
      var heads = io.truststram.explain.attention.AttentionMaps.HeadFusion.of(fusion);
      double[][] map =
          switch (method) {
            case "rollout" -> io.truststram.explain.attention.AttentionMaps.rollout(layers, heads);
            case "flow" -> io.truststram.explain.attention.AttentionMaps.flow(layers, heads);
            default ->
                throw new IllegalArgumentException(
                    "the method is rollout or flow, not '" + method + "'");
          };
      int n = map.length;
      List<String> tokens = body.tokens();
      if (tokens == null) {
        tokens = java.util.stream.IntStream.range(0, n).mapToObj(Integer::toString).toList();
      } else if (tokens.size() != n) {
        throw new IllegalArgumentException(tokens.size() + " tokens for " + n + " positions");
      }
      return new AttentionView(tokens, method, fusion, layers.length, map);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ExplainProblems.INVALID_REQUEST, e.getMessage());
    }
  }

  /** How long the tenant keeps explanations and reports. */
  record RetentionView(long days, long minimumDays) {}

  /** A new retention. */
  record RetentionBody(@Min(1) @Max(36_500) int days) {}

  @GetMapping("/retention")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "How long the tenant's explanations and reports are kept")
  RetentionView retention() {
    return new RetentionView(
        explanations.retention(CurrentPrincipal.require().tenant()).toDays(),
        properties.minimumRetention().toDays());
  }

  @PutMapping(path = "/retention", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "Set how long the tenant keeps explanations and reports",
      description =
          "Applies to what is archived from now on; at least truststram.explain.minimum-retention"
              + " (six months by default, Article 19 AI Act).")
  RetentionView setRetention(@Valid @RequestBody RetentionBody body) {
    Caller caller = CurrentPrincipal.require();
    explanations.setRetention(caller, body.days());
    return new RetentionView(
        explanations.retention(caller.tenant()).toDays(), properties.minimumRetention().toDays());
  }

  static UUID parseId(String id, boolean model) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          model ? ExplainProblems.MODEL_NOT_FOUND : ExplainProblems.EXPLANATION_NOT_FOUND,
          "no " + (model ? "model " : "explanation ") + id);
    }
  }
}
