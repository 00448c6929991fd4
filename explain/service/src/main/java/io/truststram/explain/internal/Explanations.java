package io.truststram.explain.internal;

import io.truststram.common.cache.CacheStore;
import io.truststram.common.cache.CacheUnavailableException;
import io.truststram.common.id.Uuids;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.explain.ExplainProblems;
import io.truststram.explain.Explanation;
import io.truststram.explain.Link;
import io.truststram.explain.LoadedModel;
import io.truststram.explain.ShapExplainer;
import io.truststram.explain.gradient.IntegratedGradients;
import io.truststram.explain.internal.ExplainStore.ExplanationRecord;
import io.truststram.explain.internal.ExplainStore.ModelRecord;
import io.truststram.explain.internal.ExplainStore.RowRecord;
import io.truststram.explain.lime.LimeTabular;
import io.truststram.explain.shap.KernelShap;
import io.truststram.platform.blob.BlobStore;
import io.truststram.platform.blob.BlobTooLargeException;
import io.truststram.platform.security.Caller;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * The explanation service: models uploaded to explain, explanations computed (or taken from the
 * cache) and archived with their provenance, row by row with the decision each explains, jobs for
 * large requests, and retention.
 */
final class Explanations {

  private static final Logger LOG = LoggerFactory.getLogger(Explanations.class);

  /** The methods served, by the names requests use. */
  static final Set<String> METHODS =
      Set.of(
          "tree-path-dependent",
          "tree-interventional",
          "kernel",
          "permutation",
          "exact",
          "lime",
          "integrated-gradients",
          "counterfactual");

  /** Rows a job computes between progress reports. */
  private static final int CHUNK = 50;

  private final ExplainStore store;
  private final BlobStore blobs;
  private final CacheStore cache;
  private final ExplainProperties properties;
  private final Clock clock;
  private final ExecutorService jobs;
  private final TransactionTemplate transactions;
  private final ExplainMetrics metrics;
  private final Map<String, LoadedModel> loaded =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LoadedModel> eldest) {
              return size() > 16;
            }
          });

  Explanations(
      ExplainStore store,
      BlobStore blobs,
      CacheStore cache,
      ExplainProperties properties,
      Clock clock,
      ExecutorService jobs,
      TransactionTemplate transactions,
      ExplainMetrics metrics) {
    this.store = store;
    this.blobs = blobs;
    this.cache = cache;
    this.properties = properties;
    this.clock = clock;
    this.jobs = jobs;
    this.transactions = transactions;
    this.metrics = metrics;
  }

  // ---- models ----

  ModelRecord upload(Caller caller, String name, String format, InputStream body)
      throws IOException {
    if (name.isBlank() || name.length() > 200) {
      throw new ProblemException(ExplainProblems.INVALID_MODEL, "name the model (1 to 200 chars)");
    }
    long max = properties.maxModelSize().toBytes();
    byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (bytes.length > max) {
      throw new ProblemException(
          ExplainProblems.INVALID_MODEL,
          "the model is larger than truststram.explain.max-model-size (" + max + " bytes)");
    }
    LoadedModel model = null;
    if (format.equals(TRANSFORMER)) {
      // A model run for its attention: it need only load.
      try (io.truststram.explain.onnx.OnnxModel onnx =
          io.truststram.explain.onnx.OnnxModel.general(bytes)) {
        // loaded: ONNX Runtime takes it
      } catch (IllegalArgumentException e) {
        throw new ProblemException(ExplainProblems.INVALID_MODEL, e.getMessage());
      }
    } else {
      try {
        model = LoadedModel.read(bytes, format, null);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ProblemException(ExplainProblems.INVALID_MODEL, e.getMessage());
      }
    }
    TenantId tenant = caller.tenant();
    UUID id = Uuids.v7();
    String key = "explain/" + tenant.value() + "/models/" + id;
    try {
      blobs.put(key, new ByteArrayInputStream(bytes), max);
    } catch (BlobTooLargeException e) {
      throw new ProblemException(ExplainProblems.INVALID_MODEL, "the model is too large");
    }
    ModelRecord record =
        new ModelRecord(
            id,
            tenant,
            name.strip(),
            model == null ? TRANSFORMER : model.format(),
            LoadedModel.sha256(bytes),
            bytes.length,
            model == null ? List.of() : model.features(),
            model == null ? 0 : model.probabilities().outputs(),
            key,
            clock.instant());
    store.insert(record);
    if (model != null) {
      loaded.put(model.sha256(), model);
    }
    return record;
  }

  ModelRecord model(Caller caller, UUID id) {
    return store
        .model(caller.tenant(), id)
        .orElseThrow(() -> new ProblemException(ExplainProblems.MODEL_NOT_FOUND, "no model " + id));
  }

  Page<ModelRecord> models(Caller caller, PageRequest page) {
    return store.models(caller.tenant(), page);
  }

  void deleteModel(Caller caller, UUID id) throws IOException {
    ModelRecord model = model(caller, id);
    store.deleteModel(caller.tenant(), id);
    blobs.delete(model.blobKey());
  }

  /** The format name of an ONNX model uploaded to run for its attention. */
  static final String TRANSFORMER = "onnx-transformer";

  /**
   * Runs an uploaded ONNX transformer on {@code inputs} and gathers its attention weights ({@link
   * io.truststram.explain.onnx.OnnxModel#attentions}).
   */
  double[][][][] attentions(
      Caller caller,
      UUID modelId,
      Map<String, io.truststram.explain.onnx.OnnxModel.Input> inputs,
      @Nullable String pattern) {
    ModelRecord record = model(caller, modelId);
    if (!record.format().equals(TRANSFORMER)) {
      throw invalid(
          "attention needs a model uploaded with format="
              + TRANSFORMER
              + ", not "
              + record.format());
    }
    byte[] bytes;
    try (InputStream in = blobs.open(record.blobKey())) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading model " + record.id(), e);
    }
    try (io.truststram.explain.onnx.OnnxModel onnx =
        io.truststram.explain.onnx.OnnxModel.general(bytes)) {
      return onnx.attentions(inputs, pattern);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  /** The model, parsed once and kept (the 16 used last). */
  LoadedModel load(ModelRecord record) {
    if (record.format().equals(TRANSFORMER)) {
      throw invalid("model " + record.id() + " is a transformer, run only for its attention");
    }
    LoadedModel model = loaded.get(record.sha256());
    if (model != null) {
      return model;
    }
    try (InputStream in = blobs.open(record.blobKey())) {
      model = LoadedModel.read(in.readAllBytes(), record.format(), null);
    } catch (IOException e) {
      throw new UncheckedIOException("reading model " + record.id(), e);
    }
    loaded.put(record.sha256(), model);
    return model;
  }

  // ---- explanations ----

  /**
   * What to explain.
   *
   * @param rows the rows, in the model's feature order; null for a missing value (XGBoost models)
   * @param decisionIds one per row (or null): what each row's explanation is archived under
   * @param background the background rows (every method but tree-path-dependent and
   *     integrated-gradients); LIME's training rows
   */
  record Request(
      UUID model,
      String method,
      List<List<@Nullable Double>> rows,
      @Nullable List<List<@Nullable Double>> background,
      @Nullable List<@Nullable String> decisionIds,
      @Nullable String link,
      @Nullable Integer samples,
      @Nullable Integer numFeatures,
      @Nullable Integer maxEvals,
      @Nullable Long seed,
      @Nullable Integer steps,
      @Nullable Integer output,
      @Nullable List<@Nullable Double> baseline,
      @Nullable CounterfactualSpec counterfactual) {}

  /** The record served, and whether it came from the cache. */
  record Served(ExplanationRecord explanation, boolean done) {}

  Served explain(Caller caller, Request request) {
    TenantId tenant = caller.tenant();
    ModelRecord record = model(caller, request.model());
    if (!METHODS.contains(request.method())) {
      throw invalid("the method is one of " + sorted(METHODS) + ", not '" + request.method() + "'");
    }
    if (request.rows().isEmpty() || request.rows().size() > properties.maxRows()) {
      throw invalid("explain 1 to " + properties.maxRows() + " rows, not " + request.rows().size());
    }
    if (request.decisionIds() != null) {
      if (request.decisionIds().size() != request.rows().size()) {
        throw invalid(
            request.decisionIds().size() + " decision ids for " + request.rows().size() + " rows");
      }
      for (String id : request.decisionIds()) {
        if (id != null && (id.isBlank() || id.length() > 200)) {
          throw invalid("a decision id has 1 to 200 characters");
        }
      }
    }
    LoadedModel model = load(record);
    double[][] rows = matrix(request.rows(), "rows", model);
    double[][] background =
        request.background() == null ? null : matrix(request.background(), "background", model);
    Instant now = clock.instant();
    Instant expires = now.plus(retention(tenant));
    UUID id = Uuids.v7();
    String key = cacheKey(tenant, record, request);
    if (rows.length <= properties.syncRows()) {
      Computed computed = cached(key);
      boolean hit = computed != null;
      if (computed == null) {
        computed = compute(model, request, rows, background, done -> {});
        remember(key, computed);
      }
      metrics.served(request.method(), hit);
      ExplanationRecord explanation =
          new ExplanationRecord(
              id,
              tenant,
              record.id(),
              record.sha256(),
              request.method(),
              "succeeded",
              rows.length,
              rows.length,
              model.features(),
              computed.expectedValue(),
              computed.provenance(),
              null,
              hit,
              caller.subject(),
              now,
              clock.instant(),
              expires);
      Computed result = computed;
      transactions.executeWithoutResult(
          s -> {
            store.insert(explanation);
            store.insertRows(tenant, id, rowRecords(rows, request, result));
          });
      return new Served(explanation, true);
    }
    ExplanationRecord running =
        new ExplanationRecord(
            id,
            tenant,
            record.id(),
            record.sha256(),
            request.method(),
            "running",
            rows.length,
            0,
            model.features(),
            null,
            null,
            null,
            false,
            caller.subject(),
            now,
            null,
            expires);
    // The request is kept with the job, so that a server stopped mid-job runs it again.
    String kept = ExplainStore.JSON.writeValueAsString(request);
    transactions.executeWithoutResult(
        s -> {
          store.insert(running);
          store.insertJob(tenant, id, kept, now);
        });
    jobs.execute(() -> runJob(running, model, request, rows, background));
    return new Served(running, false);
  }

  private void runJob(
      ExplanationRecord job,
      LoadedModel model,
      Request request,
      double[][] rows,
      double @Nullable [][] background) {
    try {
      Computed computed =
          compute(
              model,
              request,
              rows,
              background,
              done -> store.progress(job.tenant(), job.id(), done));
      transactions.executeWithoutResult(
          s -> {
            store.insertRows(job.tenant(), job.id(), rowRecords(rows, request, computed));
            store.finish(
                job.tenant(),
                job.id(),
                "succeeded",
                computed.expectedValue(),
                computed.provenance(),
                null,
                rows.length,
                clock.instant());
            store.deleteJob(job.id());
          });
      metrics.served(request.method(), false);
    } catch (RuntimeException e) {
      LOG.warn("explanation job {} failed: {}", job.id(), e.getMessage());
      failJob(
          job.tenant(),
          job.id(),
          e instanceof ProblemException p ? p.detail() : String.valueOf(e.getMessage()));
    }
  }

  private void failJob(TenantId tenant, UUID id, String reason) {
    transactions.executeWithoutResult(
        s -> {
          store.finish(tenant, id, "failed", null, null, reason, 0, clock.instant());
          store.deleteJob(id);
        });
  }

  ExplanationRecord explanation(Caller caller, UUID id) {
    return store
        .explanation(caller.tenant(), id)
        .orElseThrow(
            () ->
                new ProblemException(
                    ExplainProblems.EXPLANATION_NOT_FOUND, "no explanation " + id));
  }

  Page<ExplanationRecord> explanations(Caller caller, PageRequest page) {
    return store.explanations(caller.tenant(), page);
  }

  /** A page of an explanation's rows; the cursor is the next row's index. */
  Page<RowRecord> rows(Caller caller, UUID id, PageRequest page) {
    ExplanationRecord e = explanation(caller, id);
    if (!e.status().equals("succeeded")) {
      throw new ProblemException(
          ExplainProblems.NOT_READY,
          "the explanation is " + e.status() + (e.error() == null ? "" : ": " + e.error()));
    }
    int from;
    try {
      from = page.after() == null ? 0 : Integer.parseInt(page.after());
    } catch (NumberFormatException ex) {
      throw invalid("the cursor is not one of ours");
    }
    List<RowRecord> rows = store.rows(caller.tenant(), id, from, page.limit() + 1);
    return Page.fromLookahead(rows, page, r -> Integer.toString(r.index() + 1));
  }

  Map.Entry<ExplanationRecord, RowRecord> decision(Caller caller, String decisionId) {
    Map.Entry<UUID, RowRecord> found =
        store
            .decision(caller.tenant(), decisionId)
            .orElseThrow(
                () ->
                    new ProblemException(
                        ExplainProblems.EXPLANATION_NOT_FOUND,
                        "no explanation of decision '" + decisionId + "'"));
    return Map.entry(explanation(caller, found.getKey()), found.getValue());
  }

  /** Rows global charts draw at most. */
  static final int PLOTTED_ROWS = 2_000;

  /** A chart of an explanation. */
  Plots.Drawing plot(
      Caller caller,
      UUID id,
      String kind,
      int row,
      @Nullable Integer output,
      @Nullable String feature,
      Plots plots) {
    ExplanationRecord e = explanation(caller, id);
    if (!e.status().equals("succeeded")) {
      throw new ProblemException(ExplainProblems.NOT_READY, "the explanation is " + e.status());
    }
    List<RowRecord> rows =
        switch (kind) {
          case "waterfall", "force", "lime", "counterfactual" -> {
            if (row < 0 || row >= e.rowCount()) {
              throw invalid("row " + row + " of an explanation of " + e.rowCount() + " rows");
            }
            yield store.rows(caller.tenant(), id, row, 1);
          }
          case "bar", "beeswarm", "dependence" -> store.rows(caller.tenant(), id, 0, PLOTTED_ROWS);
          default ->
              throw invalid(
                  "kind is waterfall, force, bar, beeswarm, dependence, lime or counterfactual,"
                      + " not '"
                      + kind
                      + "'");
        };
    int outputs = rows.getFirst().attributions().length;
    int k = output == null ? outputs - 1 : output;
    if (k < 0 || k >= outputs) {
      throw invalid("output " + k + " of an explanation of " + outputs + " outputs");
    }
    if (e.method().equals("lime") && !kind.equals("lime") && !kind.equals("bar")) {
      throw invalid("a lime explanation draws as lime or bar");
    }
    if (e.method().equals("counterfactual") != kind.equals("counterfactual")) {
      throw invalid("a counterfactual explanation draws as counterfactual, and only it does");
    }
    double expected =
        e.expectedValue() == null || e.expectedValue().length <= k ? 0 : e.expectedValue()[k];
    if (kind.equals("counterfactual")) {
      return plots.counterfactualTable(e.features(), rows.getFirst());
    }
    return Plots.of(
        switch (kind) {
          case "waterfall" ->
              plots.waterfall(e.features(), expected, rows.getFirst(), k, e.method());
          case "force" -> plots.force(e.features(), expected, rows.getFirst(), k);
          case "lime" -> plots.lime(rows.getFirst());
          case "bar" -> plots.bar(e.features(), rows, k, e.method());
          case "beeswarm" -> plots.beeswarm(e.features(), rows, k, e.method());
          default -> {
            int j = feature == null ? -1 : e.features().indexOf(feature);
            if (j < 0) {
              throw invalid("dependence needs feature=, one of the model's features");
            }
            yield plots.dependence(e.features(), rows, k, j, e.method());
          }
        });
  }

  /**
   * The model's probability of output {@code output} (the last by default) for each row: how a
   * model's predictions on an evaluation set are made for its fairness.
   */
  double[] scores(
      Caller caller,
      UUID modelId,
      List<List<@Nullable Double>> rowValues,
      @Nullable Integer output) {
    LoadedModel model = load(model(caller, modelId));
    if (rowValues.isEmpty() || rowValues.size() > properties.maxRows()) {
      throw invalid("give 1 to " + properties.maxRows() + " rows");
    }
    double[][] rows = matrix(rowValues, "rows", model);
    double[][] predicted = model.probabilities().predict(rows);
    int k = output == null ? predicted[0].length - 1 : output;
    if (k < 0 || k >= predicted[0].length) {
      throw invalid("output " + k + " of a model of " + predicted[0].length + " outputs");
    }
    double[] out = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      out[r] = predicted[r][k];
    }
    return out;
  }

  /**
   * A global explanation of a model on some rows: permutation importance (scikit-learn's
   * permutation_importance, against {@code targets}) or partial dependence with ICE curves
   * (scikit-learn's partial_dependence), on the model's probabilities.
   */
  Map<String, Object> global(
      Caller caller,
      UUID modelId,
      String method,
      List<List<@Nullable Double>> rowValues,
      @Nullable List<Double> targets,
      @Nullable String scoring,
      @Nullable Integer repeats,
      @Nullable Long seed,
      @Nullable String feature,
      @Nullable Integer output,
      @Nullable Integer resolution,
      boolean ice) {
    ModelRecord record = model(caller, modelId);
    LoadedModel model = load(record);
    if (rowValues.isEmpty() || rowValues.size() > properties.maxRows()) {
      throw invalid("give 1 to " + properties.maxRows() + " rows");
    }
    double[][] rows = matrix(rowValues, "rows", model);
    io.truststram.explain.Model predictions = model.probabilities();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("method", method);
    out.put("modelSha256", model.sha256());
    try {
      switch (method) {
        case "permutation-importance" -> {
          if (targets == null || targets.size() != rows.length || targets.contains(null)) {
            throw invalid("permutation importance needs one target per row");
          }
          var scorer =
              switch (scoring == null ? "accuracy" : scoring) {
                case "accuracy" -> io.truststram.explain.global.GlobalImportance.Scoring.ACCURACY;
                case "neg_log_loss" ->
                    io.truststram.explain.global.GlobalImportance.Scoring.NEG_LOG_LOSS;
                case "r2" -> io.truststram.explain.global.GlobalImportance.Scoring.R2;
                default ->
                    throw invalid("scoring is accuracy, neg_log_loss or r2, not '" + scoring + "'");
              };
          int times = repeats == null ? 5 : repeats;
          if (times < 1 || times > 100) {
            throw invalid("repeats lie in 1..100");
          }
          double[][] importance =
              io.truststram.explain.global.GlobalImportance.permutation(
                  predictions,
                  rows,
                  targets.stream().mapToDouble(Double::doubleValue).toArray(),
                  scorer,
                  null,
                  times,
                  seed == null ? 0 : seed);
          List<Map<String, Object>> features = new ArrayList<>();
          for (int j = 0; j < importance.length; j++) {
            features.add(
                Map.of(
                    "feature", model.features().get(j),
                    "importance", importance[j][0],
                    "std", importance[j][1]));
          }
          out.put("scoring", scoring == null ? "accuracy" : scoring);
          out.put("repeats", times);
          out.put("importances", features);
        }
        case "partial-dependence" -> {
          int j = feature == null ? -1 : model.features().indexOf(feature);
          if (j < 0) {
            throw invalid("partial dependence needs feature, one of the model's features");
          }
          int k = output == null ? predictions.outputs() - 1 : output;
          int points = resolution == null ? 100 : resolution;
          if (points < 2 || points > 10_000) {
            throw invalid("resolution lies in 2..10,000");
          }
          var dependence =
              io.truststram.explain.global.GlobalImportance.partialDependence(
                  predictions, rows, j, k, points);
          out.put("feature", feature);
          out.put("output", k);
          out.put("grid", dependence.grid());
          out.put("average", dependence.average());
          if (ice) {
            out.put("individual", dependence.individual());
          }
        }
        default ->
            throw invalid(
                "the method is permutation-importance or partial-dependence, not '" + method + "'");
      }
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    return out;
  }

  // ---- retention ----

  Duration retention(TenantId tenant) {
    return store.retentionDays(tenant).map(Duration::ofDays).orElse(properties.retention());
  }

  void setRetention(Caller caller, int days) {
    Duration wanted = Duration.ofDays(days);
    if (days > 36_500) {
      throw invalid("a retention is at most 36,500 days");
    }
    if (wanted.compareTo(properties.minimumRetention()) < 0) {
      throw new ProblemException(
          ExplainProblems.RETENTION_TOO_SHORT,
          "explanations are kept at least "
              + properties.minimumRetention().toDays()
              + " days (truststram.explain.minimum-retention), not "
              + days);
    }
    store.setRetentionDays(caller.tenant(), days, clock.instant());
  }

  // ---- computing ----

  /** What a method computed, as the cache keeps it. */
  record Computed(
      double[] expectedValue,
      List<double[]> outputs,
      List<double[][]> attributions,
      List<@Nullable Map<String, Object>> details,
      Map<String, Object> provenance) {}

  private Computed compute(
      LoadedModel model,
      Request request,
      double[][] rows,
      double @Nullable [][] background,
      java.util.function.IntConsumer progress) {
    try {
      List<double[]> outputs = new ArrayList<>();
      List<double[][]> attributions = new ArrayList<>();
      List<@Nullable Map<String, Object>> details = new ArrayList<>();
      double[] expected = new double[0];
      Map<String, Object> provenance = new LinkedHashMap<>();
      for (int from = 0; from < rows.length; from += CHUNK) {
        double[][] chunk = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + CHUNK));
        Explanation e = explainChunk(model, request, chunk, background, details);
        expected = e.expectedValue();
        provenance = new LinkedHashMap<>(e.provenance());
        for (int r = 0; r < chunk.length; r++) {
          outputs.add(e.outputs()[r]);
          double[][] a = new double[e.values().length][];
          for (int k = 0; k < a.length; k++) {
            a[k] = e.values()[k][r];
          }
          attributions.add(a);
        }
        progress.accept(Math.min(rows.length, from + CHUNK));
      }
      provenance.remove("deltas");
      provenance.put("rows", rows.length);
      return new Computed(expected, outputs, attributions, details, provenance);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private Explanation explainChunk(
      LoadedModel model,
      Request request,
      double[][] rows,
      double @Nullable [][] background,
      List<@Nullable Map<String, Object>> details) {
    long seed = request.seed() == null ? 0 : request.seed();
    switch (request.method()) {
      case "integrated-gradients" -> {
        double[] baseline =
            request.baseline() == null
                ? null
                : matrix(List.of(request.baseline()), "baseline", model)[0];
        Explanation e =
            IntegratedGradients.explain(
                model.differentiable("integrated gradients"),
                model.sha256(),
                model.features(),
                rows,
                new IntegratedGradients.Options(
                    request.steps() == null ? 50 : request.steps(),
                    baseline,
                    Link.of(request.link() == null ? "identity" : request.link())));
        double[][] deltas = (double[][]) e.provenance().get("deltas");
        for (double[] delta : deltas) {
          details.add(Map.of("completenessDelta", delta));
        }
        return e;
      }
      case "counterfactual" -> {
        return counterfactuals(model, request, rows, background, details, seed);
      }
      case "lime" -> {
        if (background == null || background.length == 0) {
          throw invalid("lime needs training rows (background) for its quartiles");
        }
        LimeTabular lime =
            new LimeTabular(model.probabilities(), background, model.features(), null);
        int outputs = model.probabilities().outputs();
        int explained = request.output() == null ? outputs - 1 : request.output();
        if (explained < 0 || explained >= outputs) {
          throw invalid("output " + explained + " of a model of " + outputs + " outputs");
        }
        LimeTabular.Options options =
            new LimeTabular.Options(
                request.samples() == null ? 5_000 : request.samples(),
                request.numFeatures() == null ? 10 : request.numFeatures(),
                seed);
        double[][][] values = new double[1][rows.length][model.features().size()];
        double[][] out = new double[rows.length][1];
        for (int r = 0; r < rows.length; r++) {
          var e = lime.explain(rows[r], explained, options);
          details.add(e.toMap());
          out[r][0] = e.modelPrediction();
          for (int i = 0; i < e.weights().length; i++) {
            int feature = e.featureIndices()[i];
            values[0][r][feature] += e.weights()[i];
          }
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("modelSha256", model.sha256());
        provenance.put("method", "lime");
        provenance.put("output", explained);
        provenance.put("samples", options.samples());
        provenance.put("numFeatures", options.numFeatures());
        provenance.put("kernelWidth", 0.75 * Math.sqrt(model.features().size()));
        provenance.put("discretizer", "quartile");
        provenance.put("seed", seed);
        provenance.put("trainingSha256", io.truststram.explain.Rows.sha256(background));
        provenance.put("library", Explanation.library());
        // LIME has no expected value: its surrogate's intercept is in each row's detail.
        return new Explanation(model.features(), new double[0], values, out, "lime", provenance);
      }
      default -> {
        for (int r = 0; r < rows.length; r++) {
          details.add(null);
        }
        return ShapExplainer.explain(
            model.model(),
            model.sha256(),
            new ShapExplainer.Request(
                ShapExplainer.Method.of(request.method()),
                rows,
                background,
                Link.of(request.link() == null ? "identity" : request.link()),
                new KernelShap.Options(
                    request.samples() == null ? 0 : request.samples(),
                    request.numFeatures() == null ? 10 : request.numFeatures(),
                    seed),
                request.maxEvals() == null ? 500 : request.maxEvals(),
                null));
      }
    }
  }

  /**
   * Counterfactuals of each row, in its detail; its attributions are the change the nearest
   * counterfactual makes to each feature (zeros when none was found).
   */
  private static Explanation counterfactuals(
      LoadedModel model,
      Request request,
      double[][] rows,
      double @Nullable [][] background,
      List<@Nullable Map<String, Object>> details,
      long seed) {
    if (background == null || background.length == 0) {
      throw invalid("counterfactuals need background rows: the ranges and scales of the features");
    }
    CounterfactualSpec spec =
        request.counterfactual() == null
            ? new CounterfactualSpec(
                null, null, null, null, null, null, null, null, null, null, null, null)
            : request.counterfactual();
    io.truststram.explain.counterfactual.Space space = spec.space(model.features(), background);
    io.truststram.explain.counterfactual.Counterfactuals.Options options = spec.options(seed);
    boolean gradient = spec.gradient();
    io.truststram.explain.Model predictions = model.probabilities();
    double[][] outputs = predictions.predict(rows);
    int m = model.features().size();
    double[][][] values = new double[1][rows.length][m];
    Map<String, Object> provenance = new LinkedHashMap<>();
    for (int r = 0; r < rows.length; r++) {
      io.truststram.explain.counterfactual.Desired desired = spec.desired(outputs[r]);
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("desired", desired.describe());
      if (desired.reached(outputs[r])) {
        detail.put("status", "already");
        detail.put("message", "the row already has the outcome asked for");
        detail.put("counterfactuals", List.of());
        details.add(detail);
        continue;
      }
      io.truststram.explain.counterfactual.Counterfactuals.Result result =
          gradient
              ? io.truststram.explain.counterfactual.Counterfactuals.gradient(
                  model.differentiable("the gradient search"),
                  model.sha256(),
                  space,
                  rows[r],
                  desired,
                  options)
              : io.truststram.explain.counterfactual.Counterfactuals.genetic(
                  predictions, model.sha256(), space, rows[r], desired, options);
      provenance = new LinkedHashMap<>(result.provenance());
      detail.put("status", result.status());
      detail.put("message", result.message());
      List<Map<String, Object>> found = new ArrayList<>();
      for (var cf : result.counterfactuals()) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("values", cf.values());
        c.put("outputs", cf.outputs());
        c.put("changes", cf.changes());
        c.put("distance", cf.distance());
        found.add(c);
      }
      detail.put("counterfactuals", found);
      details.add(detail);
      if (!result.counterfactuals().isEmpty()) {
        double[] nearest = result.counterfactuals().getFirst().values();
        for (int j = 0; j < m; j++) {
          values[0][r][j] = nearest[j] - rows[r][j];
        }
      }
    }
    provenance.remove("model_evaluations");
    provenance.remove("valid_rows_met");
    provenance.put("modelSha256", model.sha256());
    provenance.put("backgroundSha256", io.truststram.explain.Rows.sha256(background));
    provenance.put("method", gradient ? "counterfactual-gradient" : "counterfactual-genetic");
    return new Explanation(
        model.features(), new double[0], values, outputs, "counterfactual", provenance);
  }

  private static List<RowRecord> rowRecords(double[][] rows, Request request, Computed computed) {
    List<RowRecord> out = new ArrayList<>();
    for (int r = 0; r < rows.length; r++) {
      out.add(
          new RowRecord(
              r,
              request.decisionIds() == null ? null : request.decisionIds().get(r),
              rows[r],
              computed.outputs().get(r),
              computed.attributions().get(r),
              computed.details().get(r)));
    }
    return out;
  }

  private double[][] matrix(List<List<@Nullable Double>> values, String what, LoadedModel model) {
    double[][] out = new double[values.size()][];
    for (int r = 0; r < out.length; r++) {
      List<@Nullable Double> row = values.get(r);
      if (row == null) {
        throw invalid(what + ", row " + (r + 1) + " is null");
      }
      out[r] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        Double v = row.get(j);
        out[r][j] = v == null ? Double.NaN : v;
      }
    }
    try {
      model.checkRows(out, what);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    return out;
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", new java.util.TreeSet<>(names));
  }

  private static ProblemException invalid(@Nullable String detail) {
    return new ProblemException(
        ExplainProblems.INVALID_REQUEST, detail == null ? "invalid request" : detail);
  }

  // ---- the cache ----

  private String cacheKey(TenantId tenant, ModelRecord model, Request request) {
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("model", model.sha256());
    parts.put("method", request.method());
    parts.put("rows", request.rows());
    parts.put("background", request.background());
    parts.put("link", request.link());
    parts.put("samples", request.samples());
    parts.put("numFeatures", request.numFeatures());
    parts.put("maxEvals", request.maxEvals());
    parts.put("seed", request.seed());
    parts.put("steps", request.steps());
    parts.put("output", request.output());
    parts.put("baseline", request.baseline());
    parts.put("counterfactual", request.counterfactual());
    parts.put("library", Explanation.library());
    return tenant.value() + ":" + LoadedModel.sha256(ExplainStore.JSON.writeValueAsBytes(parts));
  }

  private @Nullable Computed cached(String key) {
    try {
      Optional<byte[]> bytes = cache.get(key);
      return bytes
          .map(b -> ExplainStore.JSON.readValue(b, new TypeReference<Computed>() {}))
          .orElse(null);
    } catch (CacheUnavailableException | tools.jackson.core.JacksonException e) {
      LOG.debug("explanation cache miss by failure: {}", e.getMessage());
      return null;
    }
  }

  private void remember(String key, Computed computed) {
    try {
      cache.put(key, ExplainStore.JSON.writeValueAsBytes(computed), properties.cacheTtl());
    } catch (CacheUnavailableException e) {
      LOG.debug("explanation not cached: {}", e.getMessage());
    }
  }

  /** The most runs a job gets: one, and two more after servers stopped under it. */
  static final int MAX_RUNS = 3;

  /**
   * Runs again the jobs a stopped process left running, from their kept requests, from the first
   * row (a job stopped {@link #MAX_RUNS} times is failed: it may be what stops the server); fails
   * those that cannot run (their model deleted) and those kept without a request. One server
   * process runs a tenant's jobs: another process's running jobs would be run twice.
   */
  void resumeAbandonedJobs() {
    store.deleteEndedJobs();
    int failed =
        store.failRunning(
            "interrupted: the server stopped before the job finished; submit it again",
            clock.instant());
    int resumed = 0;
    for (ExplainStore.Job job : store.runningJobs()) {
      ExplanationRecord record = store.explanation(job.tenant(), job.id()).orElse(null);
      if (record == null) {
        continue;
      }
      if (job.attempts() >= MAX_RUNS) {
        failJob(
            job.tenant(),
            job.id(),
            "the server stopped during each of its " + MAX_RUNS + " runs; the job is given up");
        failed++;
        continue;
      }
      try {
        Request request = ExplainStore.JSON.readValue(job.request(), Request.class);
        ModelRecord modelRecord =
            store
                .model(job.tenant(), request.model())
                .orElseThrow(() -> invalid("its model " + request.model() + " was deleted"));
        LoadedModel model = load(modelRecord);
        double[][] rows = matrix(request.rows(), "rows", model);
        double[][] background =
            request.background() == null ? null : matrix(request.background(), "background", model);
        store.restartJob(job.tenant(), job.id());
        jobs.execute(() -> runJob(record, model, request, rows, background));
        resumed++;
      } catch (RuntimeException e) {
        failJob(
            job.tenant(),
            job.id(),
            "could not run again after a restart: "
                + (e instanceof ProblemException p ? p.detail() : e.getMessage()));
        failed++;
      }
    }
    if (failed + resumed > 0) {
      LOG.info(
          "explanation jobs left by a stopped server: {} running again, {} failed",
          resumed,
          failed);
    }
  }
}
