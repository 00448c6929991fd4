package io.truststram.sdk;

import io.truststram.ml.safetensors.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The federation API of a TrustStram server: create, start and watch federations, register client
 * nodes, read rounds, models and provenance.
 */
public final class TrustStramApi {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Http http;

  private TrustStramApi(Http http) {
    this.http = http;
  }

  /**
   * An API client of {@code server} (e.g. {@code http://localhost:8080}) sending {@code tokens}.
   */
  public static TrustStramApi connect(URI server, TokenSource tokens) {
    return new TrustStramApi(new Http(server, tokens));
  }

  /** The server this client talks to. */
  public URI server() {
    return http.server();
  }

  /**
   * What a federation trains and how.
   *
   * @param name unique in the tenant
   * @param modelKind {@code logistic}, {@code softmax} or {@code mlp}
   * @param inputs input features
   * @param classes classes
   * @param hidden the MLP's hidden layer sizes
   * @param strategy a strategy's registry name, e.g. {@code fedavg}
   * @param parameters its parameters
   * @param rounds rounds to train
   * @param clientsPerRound nodes chosen per round
   * @param minClients the fewest updates a round closes with at its deadline
   * @param roundTimeoutSeconds a round's deadline
   * @param seed the seed of the federation's random choices
   */
  public record FederationSpec(
      String name,
      String modelKind,
      int inputs,
      int classes,
      List<Integer> hidden,
      String strategy,
      Map<String, String> parameters,
      int rounds,
      int clientsPerRound,
      int minClients,
      int roundTimeoutSeconds,
      long seed) {

    Map<String, Object> json() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put(
          "model",
          Map.of("kind", modelKind, "inputs", inputs, "classes", classes, "hidden", hidden));
      body.put("strategy", Map.of("name", strategy, "parameters", parameters));
      body.put("rounds", rounds);
      body.put("clientsPerRound", clientsPerRound);
      body.put("minClients", minClients);
      body.put("roundTimeoutSeconds", roundTimeoutSeconds);
      body.put("seed", seed);
      return body;
    }
  }

  /**
   * A federation's state.
   *
   * @param id its id
   * @param name its name
   * @param state {@code created}, {@code running}, {@code completed}, {@code failed}, {@code
   *     cancelled}
   * @param currentRound the last round started
   * @param rounds rounds it trains
   * @param modelSha256 the final model's hash, once completed
   * @param failure why it failed, if it did
   */
  public record Federation(
      String id,
      String name,
      String state,
      int currentRound,
      int rounds,
      String modelSha256,
      String failure) {

    /** Whether it will train no more. */
    public boolean ended() {
      return state.equals("completed") || state.equals("failed") || state.equals("cancelled");
    }

    static Federation of(JsonNode json) {
      return new Federation(
          json.path("id").asString(),
          json.path("name").asString(),
          json.path("state").asString(),
          json.path("currentRound").asInt(),
          json.path("rounds").asInt(),
          json.path("modelSha256").asString(""),
          json.path("failure").asString(""));
    }
  }

  /**
   * A registered client node and its own credentials (shown once by the server).
   *
   * @param federationId its federation
   * @param nodeId its id
   * @param clientId its OAuth client id
   * @param clientSecret its OAuth client secret
   */
  public record NodeCredentials(
      String federationId, String nodeId, String clientId, String clientSecret) {}

  /**
   * A completed round.
   *
   * @param round its number
   * @param state {@code open} or {@code completed}
   * @param updates updates aggregated
   * @param examples training examples behind them
   * @param metrics example-weighted means of what nodes reported
   * @param openedAt when it opened
   * @param closedAt when it completed, if it did
   * @param aggregationMillis time spent folding its updates and finishing its aggregate
   */
  public record Round(
      int round,
      String state,
      int updates,
      long examples,
      Map<String, Double> metrics,
      java.time.Instant openedAt,
      java.time.@Nullable Instant closedAt,
      long aggregationMillis) {}

  public Federation createFederation(FederationSpec spec) throws IOException {
    return Federation.of(
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/federations", TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(Http.jsonBody(spec.json())))));
  }

  /**
   * Creates a federation that aggregates securely: {@code protocol} is {@code secagg+}, {@code
   * secagg} or {@code paillier}, {@code parameters} its settings without the {@code secagg.}
   * prefix.
   */
  public Federation createFederation(
      FederationSpec spec, String protocol, Map<String, String> parameters) throws IOException {
    Map<String, Object> body = spec.json();
    body.put("secureAggregation", Map.of("protocol", protocol, "parameters", parameters));
    return Federation.of(
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/federations", TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(Http.jsonBody(body)))));
  }

  public Federation federation(String id) throws IOException {
    return Federation.of(
        Objects.requireNonNull(
            http.json(http.request("/api/v1/federations/" + id, TIMEOUT).GET())));
  }

  public Federation start(String id) throws IOException {
    return Federation.of(
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/federations/" + id + "/start", TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.noBody()))));
  }

  public Federation cancel(String id) throws IOException {
    return Federation.of(
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/federations/" + id + "/cancel", TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.noBody()))));
  }

  /** Registers a client node of the caller's tenant that declares {@code examples}. */
  public NodeCredentials registerNode(String federationId, String name, long examples)
      throws IOException {
    JsonNode registered =
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/federations/" + federationId + "/nodes", TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(Http.jsonBody(Map.of("name", name, "examples", examples)))));
    return new NodeCredentials(
        federationId,
        registered.path("node").path("id").asString(),
        registered.path("clientId").asString(),
        registered.path("clientSecret").asString());
  }

  /** The rounds so far. */
  public List<Round> rounds(String federationId) throws IOException {
    JsonNode rounds =
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/federations/" + federationId + "/rounds", TIMEOUT).GET()));
    List<Round> list = new ArrayList<>();
    for (JsonNode round : rounds) {
      Map<String, Double> metrics = new LinkedHashMap<>();
      round
          .path("metrics")
          .properties()
          .forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
      list.add(
          new Round(
              round.path("round").asInt(),
              round.path("state").asString(),
              round.path("updates").asInt(),
              round.path("examples").asLong(),
              metrics,
              java.time.Instant.parse(round.path("openedAt").asString()),
              round.path("closedAt").isNull() || round.path("closedAt").isMissingNode()
                  ? null
                  : java.time.Instant.parse(round.path("closedAt").asString()),
              round.path("aggregationMillis").asLong(0)));
    }
    return list;
  }

  /** The provenance of a completed federation's final model. */
  public Map<String, String> provenance(String federationId) throws IOException {
    JsonNode provenance =
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/federations/" + federationId + "/provenance", TIMEOUT)
                    .GET()));
    Map<String, String> map = new LinkedHashMap<>();
    provenance.properties().forEach(e -> map.put(e.getKey(), e.getValue().asString()));
    return map;
  }

  /** The safetensors file of model {@code version} ({@code latest} for the newest). */
  public byte[] modelFile(String federationId, String version) throws IOException {
    HttpResponse<InputStream> response =
        http.stream(
            http.request("/api/v1/federations/" + federationId + "/models/" + version, TIMEOUT)
                .header("Accept", "application/vnd.safetensors")
                .GET());
    try (InputStream in = response.body()) {
      return in.readAllBytes();
    }
  }

  /** The parameters of model {@code version}. */
  public float[] model(String federationId, String version) throws IOException {
    byte[] file = modelFile(federationId, version);
    return SafeTensors.read(
            new java.io.ByteArrayInputStream(file), new SafeTensors.Limits(1 << 20, file.length))
        .tensor("parameters")
        .toFloats();
  }

  /**
   * A federated analysis: a statistic across the federation's nodes, from summaries of their own
   * data (docs/federation/analytics.md).
   *
   * @param id its id
   * @param kind {@code fairness}, {@code importance} ...
   * @param state {@code waiting} (for the final model), {@code open}, {@code completed} or {@code
   *     failed}
   * @param modelVersion the model version analysed, once known
   * @param contributors nodes that sent a summary
   * @param declined nodes that declined
   * @param result the result, once completed (a fairness report, importances ...)
   * @param failure why it failed, if it did
   */
  public record Analysis(
      String id,
      String kind,
      String state,
      @Nullable Integer modelVersion,
      int contributors,
      int declined,
      @Nullable JsonNode result,
      @Nullable String failure) {

    /** Whether it will change no more. */
    public boolean ended() {
      return state.equals("completed") || state.equals("failed");
    }

    static Analysis of(JsonNode json) {
      JsonNode version = json.path("modelVersion");
      JsonNode result = json.path("result");
      JsonNode failure = json.path("failure");
      return new Analysis(
          json.path("id").asString(),
          json.path("kind").asString(),
          json.path("state").asString(),
          version.isNumber() ? version.asInt() : null,
          json.path("contributors").asInt(),
          json.path("declined").asInt(),
          result.isObject() ? result : null,
          failure.isString() ? failure.asString() : null);
    }
  }

  /**
   * Asks the federation's nodes for an analysis (the owner only): of model version {@code
   * modelVersion}, or of the final model when null (the analysis then waits until training ends).
   */
  public Analysis requestAnalysis(
      String federationId, String kind, Map<String, Object> spec, @Nullable Integer modelVersion)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", kind);
    body.put("spec", spec);
    if (modelVersion != null) {
      body.put("modelVersion", modelVersion);
    }
    return Analysis.of(
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/federations/" + federationId + "/analyses", TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(Http.jsonBody(body)))));
  }

  public Analysis analysis(String federationId, String analysisId) throws IOException {
    return Analysis.of(
        Objects.requireNonNull(
            http.json(
                http.request(
                        "/api/v1/federations/" + federationId + "/analyses/" + analysisId, TIMEOUT)
                    .GET())));
  }
}
