package io.truststram.explain.internal;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import io.truststram.common.id.Uuids;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.PlatformKeys;
import io.truststram.explain.ExplainProblems;
import io.truststram.explain.Explanation;
import io.truststram.explain.Link;
import io.truststram.explain.LoadedModel;
import io.truststram.explain.ShapExplainer;
import io.truststram.explain.fairness.BiasGate;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.explain.internal.ExplainStore.ModelRecord;
import io.truststram.explain.internal.ExplainStore.ReportRecord;
import io.truststram.explain.internal.ExplainStore.RowRecord;
import io.truststram.explain.shap.KernelShap;
import io.truststram.ml.model.Metrics;
import io.truststram.platform.blob.BlobStore;
import io.truststram.platform.security.Caller;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jfree.chart.JFreeChart;
import org.jspecify.annotations.Nullable;

/**
 * Compliance reports: per model version, the technical documentation a regulator asks of a
 * high-risk system's model, in the structure of a model card (Mitchell et al. 2019) and mapped to
 * Annex IV of the AI Act (1, 2(b), 2(d), 2(e), 2(g), 3): intended use, data, metrics overall and
 * per group with confidence intervals, global explanations with charts, the bias gate's verdict,
 * limitations. Written as HTML and PDF, both hashed into a manifest the tenant's platform key signs
 * (ML-DSA-65 with Ed25519 under the default hybrid policy), and archived for the tenant's
 * retention.
 */
final class ComplianceReports {

  /** Rows explained for the report's global explanations, at most. */
  static final int EXPLAINED_ROWS = 500;

  /** Background rows of the model-agnostic explanations, at most. */
  static final int BACKGROUND_ROWS = 50;

  private final Explanations explanations;
  private final ExplainStore store;
  private final BlobStore blobs;
  private final Plots plots;
  private final PlatformKeys keys;
  private final Clock clock;
  private final Fairness fairness;

  ComplianceReports(
      Explanations explanations,
      Fairness fairness,
      ExplainStore store,
      BlobStore blobs,
      Plots plots,
      PlatformKeys keys,
      Clock clock) {
    this.explanations = explanations;
    this.fairness = fairness;
    this.store = store;
    this.blobs = blobs;
    this.plots = plots;
    this.keys = keys;
    this.clock = clock;
  }

  /** What the report says of the model, and the evaluation set its numbers come from. */
  record Request(
      UUID model,
      String title,
      String intendedUse,
      @Nullable String outOfScopeUses,
      @Nullable String trainingData,
      @Nullable String evaluationData,
      @Nullable String limitations,
      @Nullable String ethicalConsiderations,
      List<List<@Nullable Double>> rows,
      List<Boolean> labels,
      Map<String, List<String>> attributes,
      @Nullable Double threshold,
      @Nullable Integer output,
      @Nullable String policy,
      @Nullable Integer bootstrap) {}

  /** A report as stored, with its signature. */
  record Signed(ReportRecord record, Map<String, Object> manifest) {}

  Signed create(Caller caller, Request request) {
    TenantId tenant = caller.tenant();
    ModelRecord record = explanations.model(caller, request.model());
    LoadedModel model = explanations.load(record);
    int n = request.rows().size();
    if (n < 2 || request.labels().size() != n) {
      throw invalid("the evaluation set has at least 2 rows and one label per row");
    }
    double[][] rows = new double[n][];
    for (int r = 0; r < n; r++) {
      List<@Nullable Double> row = request.rows().get(r);
      rows[r] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        Double v = row.get(j);
        rows[r][j] = v == null ? Double.NaN : v;
      }
    }
    try {
      model.checkRows(rows, "the evaluation rows");
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    double threshold = request.threshold() == null ? 0.5 : request.threshold();
    double[][] probabilities = model.probabilities().predict(rows);
    int outputs = probabilities[0].length;
    int positive = request.output() == null ? outputs - 1 : request.output();
    if (positive < 0 || positive >= outputs) {
      throw invalid("output " + positive + " of a model of " + outputs + " outputs");
    }
    List<Boolean> predictions = new ArrayList<>();
    double[][] binary = new double[n][2];
    int[] labels = new int[n];
    for (int r = 0; r < n; r++) {
      double p = probabilities[r][positive];
      if (!(p >= 0 && p <= 1)) {
        throw invalid("the model's output " + positive + " is not a probability: " + p);
      }
      predictions.add(p >= threshold);
      binary[r][1] = p;
      binary[r][0] = 1 - p;
      labels[r] = request.labels().get(r) ? 1 : 0;
    }
    Metrics overall = Metrics.of(binary, labels);
    GroupFairness.Report fairnessReport =
        fairness.report(
            new Fairness.Rows(
                request.labels(), predictions, null, null, request.attributes(), null),
            new Fairness.Options(
                "between_groups",
                request.bootstrap() == null ? 200 : request.bootstrap(),
                0.95,
                0L,
                null));
    BiasGate.Verdict verdict = fairness.gate(tenant, fairnessReport, request.policy(), null);
    Explanation global = globalExplanation(model, rows);
    List<RowRecord> explained = new ArrayList<>();
    int shapOutput = global.values().length == 1 ? 0 : positive;
    for (int r = 0; r < global.outputs().length; r++) {
      double[][] a = new double[global.values().length][];
      for (int k = 0; k < a.length; k++) {
        a[k] = global.values()[k][r];
      }
      explained.add(new RowRecord(r, null, rows[r], global.outputs()[r], a, null));
    }
    Map<String, JFreeChart> charts = new LinkedHashMap<>();
    charts.put("importance", plots.bar(model.features(), explained, shapOutput, global.method()));
    charts.put("summary", plots.beeswarm(model.features(), explained, shapOutput, global.method()));
    charts.put("selection", plots.groupBars(fairnessReport, "selection_rate"));
    charts.put("tpr", plots.groupBars(fairnessReport, "true_positive_rate"));

    UUID id = Uuids.v7();
    Instant now = clock.instant();
    Instant expires = now.plus(explanations.retention(tenant));
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("overall", overall);
    facts.put("threshold", threshold);
    facts.put("positiveOutput", positive);
    String html =
        html(
            id, record, model, request, facts, fairnessReport, verdict, global, charts, now, false);
    String printable =
        html(id, record, model, request, facts, fairnessReport, verdict, global, charts, now, true);
    byte[] htmlBytes = html.getBytes(StandardCharsets.UTF_8);
    byte[] pdf = pdf(printable);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("report", id.toString());
    manifest.put("tenant", tenant.value().toString());
    manifest.put("title", request.title());
    manifest.put(
        "model",
        Map.of(
            "id", record.id().toString(),
            "name", record.name(),
            "format", record.format(),
            "sha256", record.sha256()));
    manifest.put("evaluationSha256", io.truststram.explain.Rows.sha256(rows));
    manifest.put("htmlSha256", LoadedModel.sha256(htmlBytes));
    manifest.put("pdfSha256", LoadedModel.sha256(pdf));
    manifest.put("createdAt", now.toString());
    manifest.put("library", Explanation.library());
    byte[] manifestBytes = ExplainStore.JSON.writeValueAsBytes(manifest);
    PlatformKeys.Signature signature = keys.sign(tenant, "explain", manifestBytes);
    try {
      blobs.put(
          ReportPaths.html(tenant, id), new ByteArrayInputStream(htmlBytes), htmlBytes.length);
      blobs.put(ReportPaths.pdf(tenant, id), new ByteArrayInputStream(pdf), pdf.length);
    } catch (IOException e) {
      throw new UncheckedIOException("storing report " + id, e);
    }
    ReportRecord report =
        new ReportRecord(
            id,
            tenant,
            record.id(),
            request.title(),
            new String(manifestBytes, StandardCharsets.UTF_8),
            signature.algorithm(),
            signature.keyVersion(),
            signature.signature(),
            now,
            expires);
    store.insert(report);
    return new Signed(report, manifest);
  }

  ReportRecord report(Caller caller, UUID id) {
    return store
        .report(caller.tenant(), id)
        .orElseThrow(
            () -> new ProblemException(ExplainProblems.REPORT_NOT_FOUND, "no report " + id));
  }

  InputStream open(Caller caller, UUID id, boolean pdf) throws IOException {
    report(caller, id);
    TenantId tenant = caller.tenant();
    return blobs.open(pdf ? ReportPaths.pdf(tenant, id) : ReportPaths.html(tenant, id));
  }

  List<PlatformKeys.PublicKey> publicKeys(Caller caller) {
    return keys.publicKeys(caller.tenant(), "explain");
  }

  /**
   * Global SHAP values of the evaluation rows: path-dependent TreeSHAP for trees, permutation SHAP
   * against a background of the first rows for other models.
   */
  private static Explanation globalExplanation(LoadedModel model, double[][] rows) {
    double[][] explained = java.util.Arrays.copyOf(rows, Math.min(rows.length, EXPLAINED_ROWS));
    boolean trees = model.ensemble() != null;
    double[][] background =
        trees ? null : java.util.Arrays.copyOf(rows, Math.min(rows.length, BACKGROUND_ROWS));
    try {
      return ShapExplainer.explain(
          trees ? model.model() : model.probabilities(),
          model.sha256(),
          new ShapExplainer.Request(
              trees ? ShapExplainer.Method.TREE_PATH_DEPENDENT : ShapExplainer.Method.PERMUTATION,
              explained,
              background,
              Link.IDENTITY,
              KernelShap.Options.DEFAULT,
              200,
              null));
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private byte[] pdf(String xhtml) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PdfRendererBuilder builder = new PdfRendererBuilder();
      builder.useFastMode();
      for (String[] font :
          new String[][] {
            {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "400"},
            {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "700"}
          }) {
        File file = new File(font[0]);
        if (file.isFile()) {
          builder.useFont(
              file,
              "DejaVu Sans",
              Integer.parseInt(font[1]),
              com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle.NORMAL,
              true);
        }
      }
      builder.withHtmlContent(xhtml, null);
      builder.toStream(out);
      builder.run();
    } catch (IOException e) {
      throw new UncheckedIOException("rendering the report's PDF", e);
    }
    return out.toByteArray();
  }

  private String html(
      UUID id,
      ModelRecord record,
      LoadedModel model,
      Request request,
      Map<String, Object> facts,
      GroupFairness.Report fairnessReport,
      BiasGate.Verdict verdict,
      Explanation global,
      Map<String, JFreeChart> charts,
      Instant now,
      boolean printable) {
    Metrics overall = (Metrics) facts.get("overall");
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
    h.append("<title>").append(esc(request.title())).append("</title><style>");
    h.append(
        "body{font-family:'DejaVu Sans',sans-serif;font-size:10.5pt;margin:2em;color:#222}"
            + "h1{font-size:17pt}h2{font-size:13pt;border-bottom:1px solid #999;margin-top:1.4em}"
            + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;"
            + "padding:2px 6px;text-align:left;font-size:9pt}.annex{color:#666;font-size:8.5pt}"
            + ".pass{color:#06722d}.fail{color:#b00020}img,svg{max-width:100%}");
    h.append("</style></head><body>");
    h.append("<h1>").append(esc(request.title())).append("</h1>");
    h.append("<p>Model card and technical documentation, generated ")
        .append(esc(now.toString()))
        .append(" by TrustStram (")
        .append(esc(Explanation.library()))
        .append("). Report ")
        .append(id)
        .append(".</p>");

    section(h, "1. Model details", "Annex IV 1, 2(b)");
    table(
        h,
        List.of(
            List.of("name", record.name()),
            List.of("format", record.format()),
            List.of("SHA-256", record.sha256()),
            List.of("inputs", model.features().size() + ": " + String.join(", ", model.features())),
            List.of("outputs", Integer.toString(record.outputs())),
            List.of("uploaded", record.createdAt().toString())));

    section(h, "2. Intended use", "Annex IV 1(a), 3");
    paragraph(h, request.intendedUse());
    if (request.outOfScopeUses() != null) {
      h.append("<p><b>Out of scope:</b> ").append(esc(request.outOfScopeUses())).append("</p>");
    }

    section(h, "3. Factors", "Annex IV 2(g)");
    paragraph(
        h,
        "Groups evaluated: the sensitive attributes "
            + String.join(", ", request.attributes().keySet())
            + " and their intersections ("
            + fairnessReport.groups().size()
            + " groups).");

    section(h, "4. Metrics", "Annex IV 2(g)");
    paragraph(
        h,
        String.format(
            Locale.ROOT,
            "Decisions are output %d at or above %.3f. Accuracy, ROC AUC, log loss and F1 overall;"
                + " per group the selection rate, true and false positive rates and accuracy;"
                + " disparities with Fairlearn's definitions (between groups), with 95%% percentile"
                + " bootstrap intervals.",
            (Integer) facts.get("positiveOutput"),
            (Double) facts.get("threshold")));

    section(h, "5. Evaluation data", "Annex IV 2(g)");
    paragraph(
        h,
        (request.evaluationData() == null ? "" : request.evaluationData() + " ")
            + request.rows().size()
            + " rows; SHA-256 of the rows in the manifest.");

    section(h, "6. Training data", "Annex IV 2(d)");
    paragraph(
        h,
        request.trainingData() == null ? "Not described by the provider." : request.trainingData());

    section(h, "7. Quantitative analyses", "Annex IV 2(g), 3");
    table(
        h,
        List.of(
            List.of("rows", Integer.toString(overall.examples())),
            List.of("accuracy", number(overall.accuracy())),
            List.of("ROC AUC", number(overall.rocAuc())),
            List.of("log loss", number(overall.logLoss())),
            List.of("F1", number(overall.f1()))));
    List<List<String>> groups = new ArrayList<>();
    groups.add(List.of("group", "rows", "selection rate", "TPR", "FPR", "accuracy"));
    fairnessReport
        .groups()
        .forEach(
            (group, rates) ->
                groups.add(
                    List.of(
                        group,
                        number(rates.get("count"), 0),
                        number(rates.get("selection_rate")),
                        number(rates.get("true_positive_rate")),
                        number(rates.get("false_positive_rate")),
                        number(rates.get("accuracy")))));
    table(h, groups, true);
    List<List<String>> disparities = new ArrayList<>();
    disparities.add(List.of("disparity", "value", "95% interval"));
    fairnessReport
        .metrics()
        .forEach(
            (name, value) -> {
              double[] interval = fairnessReport.intervals().get(name);
              disparities.add(
                  List.of(
                      name,
                      number(value),
                      interval == null
                          ? "-"
                          : "[" + number(interval[0]) + ", " + number(interval[1]) + "]"));
            });
    table(h, disparities, true);
    chart(h, charts.get("selection"), printable);
    chart(h, charts.get("tpr"), printable);
    fairnessReport
        .warnings()
        .forEach(w -> h.append("<p class=\"annex\">").append(esc(w)).append("</p>"));

    section(h, "8. Explanations", "Annex IV 2(b), 2(e)");
    paragraph(
        h,
        String.format(
            Locale.ROOT,
            "Global importance: the mean |%s value| of %d evaluation rows (%s); each row's values"
                + " add up to its output with an error of at most %.2e.",
            global.method(),
            global.outputs().length,
            global.provenance().getOrDefault("valueFunction", global.method()),
            global.additivityError()));
    chart(h, charts.get("importance"), printable);
    chart(h, charts.get("summary"), printable);

    section(h, "9. Bias gate", "Annex IV 2(g)");
    h.append("<p class=\"")
        .append(verdict.passed() ? "pass" : "fail")
        .append("\"><b>")
        .append(verdict.passed() ? "Passed" : "Failed")
        .append("</b>: policy '")
        .append(esc(verdict.policy()))
        .append("'.</p><ul>");
    for (BiasGate.RuleResult rule : verdict.rules()) {
      h.append("<li>")
          .append(rule.passed() ? "pass: " : "FAIL: ")
          .append(esc(rule.reason()))
          .append("</li>");
    }
    h.append("</ul>");

    section(h, "10. Ethical considerations", "Annex IV 3");
    paragraph(
        h,
        request.ethicalConsiderations() == null
            ? "Not described by the provider."
            : request.ethicalConsiderations());

    section(h, "11. Caveats and recommendations", "Annex IV 3");
    paragraph(
        h,
        (request.limitations() == null ? "" : request.limitations() + " ")
            + "The metrics hold for the evaluation set described; groups with few rows have wide"
            + " intervals. Explanations describe the model's behaviour, not causes in the world.");

    section(h, "12. Signature", "Annex IV 2(g)");
    paragraph(
        h,
        "This report's HTML and PDF are hashed (SHA-256) into a manifest signed by the tenant's"
            + " explain key in the TrustStram key manager; the signature and public keys are served"
            + " by /api/v1/explanations/reports.");
    h.append("</body></html>\n");
    return h.toString();
  }

  private void chart(StringBuilder h, @Nullable JFreeChart chart, boolean printable) {
    if (chart == null) {
      return;
    }
    if (printable) {
      h.append("<p><img alt=\"chart\" style=\"width:16cm\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(plots.png(chart)))
          .append("\"/></p>");
    } else {
      String svg = new String(plots.svg(chart), StandardCharsets.UTF_8);
      int start = svg.indexOf("<svg");
      h.append("<div>").append(start < 0 ? "" : svg.substring(start)).append("</div>");
    }
  }

  private static void section(StringBuilder h, String title, String annex) {
    h.append("<h2>")
        .append(esc(title))
        .append(" <span class=\"annex\">(")
        .append(esc(annex))
        .append(")</span></h2>");
  }

  private static void paragraph(StringBuilder h, String text) {
    h.append("<p>").append(esc(text)).append("</p>");
  }

  private static void table(StringBuilder h, List<List<String>> rows) {
    table(h, rows, false);
  }

  private static void table(StringBuilder h, List<List<String>> rows, boolean header) {
    h.append("<table>");
    for (int r = 0; r < rows.size(); r++) {
      h.append("<tr>");
      List<String> cells = rows.get(r);
      for (int c = 0; c < cells.size(); c++) {
        String tag = (header && r == 0) || (!header && c == 0) ? "th" : "td";
        h.append('<').append(tag).append('>').append(esc(cells.get(c)));
        h.append("</").append(tag).append('>');
      }
      h.append("</tr>");
    }
    h.append("</table>");
  }

  private static String number(@Nullable Double v) {
    return number(v, 4);
  }

  private static String number(@Nullable Double v, int decimals) {
    return v == null || !Double.isFinite(v)
        ? "undefined"
        : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** Text for HTML (and XHTML): the five special characters escaped. */
  static String esc(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static ProblemException invalid(@Nullable String detail) {
    return new ProblemException(
        ExplainProblems.INVALID_REQUEST, detail == null ? "invalid report request" : detail);
  }
}
