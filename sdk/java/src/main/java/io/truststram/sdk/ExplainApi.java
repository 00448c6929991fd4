package io.truststram.sdk;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.SignOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The explanation service of a TrustStram server ({@code /api/v1/explanations}, {@code
 * /api/v1/fairness}): upload a model, explain rows of it (waiting for a job when the request is
 * large), fetch the explanation archived for a decision, draw charts, report on fairness and gate
 * on a policy, and write compliance reports whose signatures are checked here, against the tenant's
 * published keys, rather than trusted.
 */
public final class ExplainApi {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String API = "/api/v1/explanations";

  private final Http http;

  private ExplainApi(Http http) {
    this.http = http;
  }

  public static ExplainApi connect(URI server, TokenSource tokens) {
    return new ExplainApi(new Http(server, tokens));
  }

  /** A model uploaded to explain. */
  public record Model(
      String id, String name, String format, String sha256, List<String> features, int outputs) {
    static Model of(JsonNode n) {
      List<String> features = new ArrayList<>();
      n.path("features").forEach(f -> features.add(f.asString()));
      return new Model(
          n.path("id").asString(),
          n.path("name").asString(),
          n.path("format").asString(),
          n.path("sha256").asString(),
          features,
          n.path("outputs").asInt());
    }
  }

  /**
   * Uploads a model file's bytes.
   *
   * @param format {@code xgboost-json}, {@code truststram}, {@code onnx} or {@code auto}
   */
  public Model uploadModel(String name, byte[] bytes, String format) throws IOException {
    HttpRequest.Builder request =
        http.request(API + "/models?name=" + encode(name) + "&format=" + encode(format), TIMEOUT)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    return Model.of(Objects.requireNonNull(http.json(request)));
  }

  /**
   * What to explain: rows in the model's feature order (NaN for a missing value, where the model
   * takes them), the method and its parameters (the REST API's names: {@code background}, {@code
   * link}, {@code samples}, {@code seed}, {@code steps}, ...), and optionally one decision id per
   * row to archive the explanations under.
   */
  public record Request(
      String model,
      String method,
      double[][] rows,
      @Nullable List<String> decisionIds,
      Map<String, Object> parameters) {

    public Request {
      parameters = Map.copyOf(parameters);
      decisionIds = decisionIds == null ? null : List.copyOf(decisionIds);
    }

    /** A request with no decision ids and no parameters. */
    public static Request of(String model, String method, double[][] rows) {
      return new Request(model, method, rows, null, Map.of());
    }
  }

  /** One explained row: its output and attributions {@code [output][feature]}. */
  public record Row(
      int index,
      @Nullable String decisionId,
      double[] output,
      double[][] attributions,
      @Nullable JsonNode detail) {
    static Row of(JsonNode n) {
      double[] output = doubles(n.path("output"));
      double[][] attributions = new double[n.path("attributions").size()][];
      for (int k = 0; k < attributions.length; k++) {
        attributions[k] = doubles(n.path("attributions").get(k));
      }
      JsonNode detail = n.path("detail");
      return new Row(
          n.path("index").asInt(),
          n.path("decisionId").isString() ? n.path("decisionId").asString() : null,
          output,
          attributions,
          detail.isObject() ? detail : null);
    }
  }

  /**
   * An explanation: its status ({@code running}, {@code succeeded}, {@code failed}), what it
   * depends on, and its rows once it succeeded.
   */
  public record Explanation(
      String id,
      String method,
      String status,
      List<String> features,
      double @Nullable [] expectedValue,
      JsonNode provenance,
      boolean cached,
      @Nullable String error,
      List<Row> rows) {
    static Explanation of(JsonNode e, List<Row> rows) {
      List<String> features = new ArrayList<>();
      e.path("features").forEach(f -> features.add(f.asString()));
      return new Explanation(
          e.path("id").asString(),
          e.path("method").asString(),
          e.path("status").asString(),
          features,
          e.path("expectedValue").isArray() ? doubles(e.path("expectedValue")) : null,
          e.path("provenance"),
          e.path("cached").asBoolean(),
          e.path("error").isString() ? e.path("error").asString() : null,
          rows);
    }
  }

  /**
   * Explains rows; a large request becomes a job, which this waits for (up to {@code wait}) and
   * then reads whole.
   *
   * @throws TrustStramException for a request the server refuses, or a job that fails
   */
  public Explanation explain(Request request, Duration wait) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>(request.parameters());
    body.put("model", request.model());
    body.put("method", request.method());
    body.put("rows", rows(request.rows()));
    if (request.decisionIds() != null) {
      body.put("decisionIds", request.decisionIds());
    }
    if (body.get("background") instanceof double[][] background) {
      body.put("background", rows(background));
    }
    JsonNode response = post(API, body);
    JsonNode explanation = response.path("explanation");
    String id = explanation.path("id").asString();
    if (!explanation.path("status").asString().equals("succeeded")) {
      return await(id, wait);
    }
    if (!response.path("nextCursor").isString()) {
      List<Row> rows = new ArrayList<>();
      response.path("items").forEach(r -> rows.add(Row.of(r)));
      return Explanation.of(explanation, rows);
    }
    return Explanation.of(explanation, rows(id));
  }

  /** Waits for explanation {@code id} to end, then reads it whole. */
  public Explanation await(String id, Duration wait) throws IOException {
    Instant deadline = Instant.now().plus(wait);
    while (true) {
      JsonNode e = get(API + "/" + encode(id));
      String status = e.path("status").asString();
      if (status.equals("succeeded")) {
        return Explanation.of(e, rows(id));
      }
      if (status.equals("failed")) {
        throw new TrustStramException(
            409,
            "explain-job-failed",
            "the explanation job failed: " + e.path("error").asString(),
            null);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new TrustStramException(
            408,
            "explain-job-waiting",
            "explanation "
                + id
                + " is still running ("
                + e.path("rowsDone").asInt()
                + " of "
                + e.path("rows").asInt()
                + " rows)",
            null);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
    }
  }

  /** Every row of explanation {@code id}, page after page. */
  public List<Row> rows(String id) throws IOException {
    List<Row> out = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          get(
              API
                  + "/"
                  + encode(id)
                  + "/rows?limit=500"
                  + (cursor == null ? "" : "&cursor=" + encode(cursor)));
      page.path("items").forEach(r -> out.add(Row.of(r)));
      cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
    } while (cursor != null);
    return out;
  }

  /**
   * The explanation archived for a decision: the explanation (without its other rows) and the row.
   */
  public Map.Entry<Explanation, Row> decision(String decisionId) throws IOException {
    JsonNode found = get(API + "/decisions/" + encode(decisionId));
    return Map.entry(
        Explanation.of(found.path("explanation"), List.of()), Row.of(found.path("row")));
  }

  /**
   * A chart of an explanation: {@code kind} waterfall, force, bar, beeswarm, dependence or lime;
   * {@code query} the rest of the query string ({@code row=3}, {@code feature=age}); {@code format}
   * svg or png.
   */
  public byte[] plot(String id, String kind, String query, String format) throws IOException {
    HttpRequest.Builder request =
        http.request(
                API
                    + "/"
                    + encode(id)
                    + "/plots/"
                    + encode(kind)
                    + "?format="
                    + encode(format)
                    + (query.isEmpty() ? "" : "&" + query),
                TIMEOUT)
            .GET();
    HttpResponse<InputStream> response = http.stream(request);
    try (InputStream in = response.body()) {
      return in.readAllBytes();
    }
  }

  /**
   * A fairness report ({@code /api/v1/fairness/reports}): {@code body} holds labels, predictions
   * (or scores and a threshold), attributes and options by the REST API's names.
   */
  public JsonNode fairnessReport(Map<String, Object> body) throws IOException {
    return post("/api/v1/fairness/reports", body);
  }

  /**
   * A bias gate's verdict on a report's rows: under the stored policy {@code policy}, or (null) the
   * four-fifths rule.
   */
  public JsonNode gate(Map<String, Object> report, @Nullable String policy) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("report", report);
    if (policy != null) {
      body.put("policy", policy);
    }
    return post("/api/v1/fairness/gate", body);
  }

  /** Stores a bias policy ({@code rules: [{metric, max|min, pessimistic}], ...}). */
  public JsonNode putPolicy(String name, Map<String, Object> policy) throws IOException {
    HttpRequest.Builder request =
        http.request("/api/v1/fairness/policies/" + encode(name), TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(Http.jsonBody(policy));
    return Objects.requireNonNull(http.json(request));
  }

  /** A signed compliance report. */
  public record Report(
      String id,
      JsonNode manifest,
      String signedManifest,
      String algorithm,
      int keyVersion,
      byte[] signature) {}

  /**
   * Writes a compliance report of a model ({@code body} by the REST API's names: model, title,
   * intendedUse, ..., evaluation).
   */
  public Report complianceReport(Map<String, Object> body) throws IOException {
    JsonNode r = post(API + "/reports", body);
    JsonNode signature = r.path("signature");
    return new Report(
        r.path("id").asString(),
        r.path("manifest"),
        r.path("signedManifest").asString(),
        signature.path("algorithm").asString(),
        signature.path("keyVersion").asInt(),
        Base64.getDecoder().decode(signature.path("value").asString()));
  }

  /** The report's HTML ({@code pdf} false) or PDF bytes. */
  public byte[] reportFile(String id, boolean pdf) throws IOException {
    HttpResponse<InputStream> response =
        http.stream(
            http.request(
                    API + "/reports/" + encode(id) + (pdf ? "/report.pdf" : "/report.html"),
                    TIMEOUT)
                .GET());
    try (InputStream in = response.body()) {
      return in.readAllBytes();
    }
  }

  /**
   * Whether the report's signature verifies with the tenant's published key of its version, and the
   * HTML and PDF the server serves hash to what the manifest says.
   */
  public boolean verify(Report report) throws IOException {
    byte[] publicKey = null;
    for (JsonNode key : get(API + "/reports/public-keys")) {
      if (key.path("version").asInt() == report.keyVersion()
          && key.path("algorithm").asString().equals(report.algorithm())) {
        publicKey = Base64.getDecoder().decode(key.path("publicKey").asString());
      }
    }
    if (publicKey == null) {
      return false;
    }
    byte[] manifest = report.signedManifest().getBytes(StandardCharsets.UTF_8);
    Algorithm algorithm = Algorithm.of(report.algorithm());
    boolean signed =
        Primitives.signer(algorithm, SignOptions.NONE)
            .verify(publicKey, manifest, report.signature(), SignOptions.NONE);
    JsonNode claimed = tools.jackson.databind.json.JsonMapper.builder().build().readTree(manifest);
    return signed
        && claimed.path("htmlSha256").asString().equals(sha256(reportFile(report.id(), false)))
        && claimed.path("pdfSha256").asString().equals(sha256(reportFile(report.id(), true)));
  }

  private JsonNode get(String path) throws IOException {
    return Objects.requireNonNull(http.json(http.request(path, TIMEOUT).GET()));
  }

  private JsonNode post(String path, Object body) throws IOException {
    HttpRequest.Builder request =
        http.request(path, TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(Http.jsonBody(body));
    return Objects.requireNonNull(http.json(request));
  }

  private static List<List<@Nullable Double>> rows(double[][] rows) {
    List<List<@Nullable Double>> out = new ArrayList<>();
    for (double[] row : rows) {
      List<@Nullable Double> values = new ArrayList<>();
      for (double v : row) {
        values.add(Double.isNaN(v) ? null : v);
      }
      out.add(values);
    }
    return out;
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
