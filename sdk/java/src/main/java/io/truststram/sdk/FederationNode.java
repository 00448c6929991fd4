package io.truststram.sdk;

import io.truststram.federation.FederatedClient;
import io.truststram.federation.strategy.LocalTraining;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Connects a {@link FederatedClient} to a coordinator: reports heartbeats, long-polls for tasks,
 * downloads each round's global model, trains, and uploads the update (whole, or in resumable
 * chunks when large), retrying with exponential back-off and jitter through network failures,
 * overload and coordinator restarts. {@link #run} returns when the federation ends or {@link
 * #close} is called.
 *
 * <pre>{@code
 * try (FederationNode node =
 *     FederationNode.builder(URI.create("https://truststram.example"), federationId, nodeId)
 *         .tokens(TokenSource.clientCredentials(server, clientId, clientSecret))
 *         .client(myClient)
 *         .build()) {
 *   FederationNode.Summary summary = node.run();
 * }
 * }</pre>
 */
public final class FederationNode implements AutoCloseable {

  private static final java.security.SecureRandom NOISE = new java.security.SecureRandom();
  private static final System.Logger log = System.getLogger(FederationNode.class.getName());

  private final Http http;
  private final String federationId;
  private final String nodeId;
  private final FederatedClient client;
  private final @Nullable FederatedAnalyst analyst;
  private final Duration pollWait;
  private final long chunkThreshold;
  private final int chunkSize;
  private final Retry retry;
  private final Consumer<Event> events;
  private volatile boolean closed;
  private volatile boolean polling;
  private volatile long lastContact = System.nanoTime() - Duration.ofHours(1).toNanos();
  private volatile @Nullable Thread runner;
  private @Nullable Thread heartbeats;
  private int cachedVersion = -1;
  private float @Nullable [] cachedModel;
  private final io.truststram.crypto.primitive.KeyPair identity;
  private final io.truststram.federation.secagg.IdentityDirectory directory;
  private final io.truststram.federation.secagg.SecAggPolicy policy;
  private @Nullable String pinnedPaillierKey;

  private FederationNode(Builder builder) {
    this.http =
        new Http(
            builder.server,
            Objects.requireNonNull(builder.tokens, "tokens"),
            builder.httpClient == null ? Http.SHARED : builder.httpClient);
    this.federationId = builder.federationId;
    this.nodeId = builder.nodeId;
    this.client = Objects.requireNonNull(builder.client, "client");
    this.analyst = builder.analyst;
    this.pollWait = builder.pollWait;
    this.chunkThreshold = builder.chunkThreshold;
    this.chunkSize = builder.chunkSize;
    this.retry = builder.retry;
    this.events = builder.events;
    this.identity =
        builder.identity != null
            ? builder.identity
            : io.truststram.federation.secagg.SecAggClient.newIdentity(NOISE);
    this.directory =
        builder.directory != null
            ? builder.directory
            : io.truststram.federation.secagg.IdentityDirectory.firstUse();
    this.policy = builder.policy;
  }

  public static Builder builder(URI server, String federationId, String nodeId) {
    return new Builder(server, federationId, nodeId);
  }

  /**
   * What happened, for progress output.
   *
   * @param kind {@code trained}, {@code uploaded}, {@code analyzed}, {@code declined}, {@code
   *     skipped}, {@code retrying}, {@code finished}
   * @param round the round concerned (0 when none)
   * @param detail a human-readable line
   */
  public record Event(String kind, int round, String detail) {}

  /**
   * How a node's run ended.
   *
   * @param roundsTrained rounds whose update the coordinator acknowledged
   * @param federationState the federation's final state, or {@code closed} when the node was closed
   *     first
   */
  public record Summary(int roundsTrained, String federationState) {}

  /**
   * Back-off between attempts of one request: exponential from {@code initial} to {@code max}, each
   * wait drawn uniformly from [wait/2, wait] (jitter), at most {@code attempts} attempts.
   */
  public record Retry(int attempts, Duration initial, Duration max) {
    public static final Retry DEFAULT =
        new Retry(12, Duration.ofMillis(250), Duration.ofSeconds(15));

    Duration wait(int attempt, @Nullable Duration serverAsked) {
      long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt, 20));
      long jittered = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
      long asked = serverAsked == null ? 0 : serverAsked.toMillis();
      return Duration.ofMillis(Math.max(jittered, Math.min(asked, max.toMillis())));
    }
  }

  /** Trains in the federation's rounds until it ends or {@link #close} is called. */
  public Summary run() throws IOException {
    runner = Thread.currentThread();
    heartbeats =
        Thread.ofVirtual().name("truststram-heartbeat-" + nodeId).start(this::heartbeatLoop);
    int trained = 0;
    try {
      while (!closed) {
        JsonNode task;
        polling = true;
        try {
          task =
              withRetry(
                  "poll",
                  0,
                  () -> {
                    lastContact = System.nanoTime();
                    return http.json(
                        http.request(
                                "/api/v1/federations/"
                                    + federationId
                                    + "/nodes/"
                                    + nodeId
                                    + "/task?wait="
                                    + pollWait.toSeconds(),
                                pollWait.plusSeconds(30))
                            .GET());
                  });
        } catch (InterruptedIOException e) {
          if (closed) {
            break;
          }
          throw e;
        } finally {
          polling = false;
        }
        if (task == null) {
          continue;
        }
        if (task.path("type").asString().equals("finished")) {
          String state = task.path("state").asString();
          events.accept(new Event("finished", 0, "federation " + state));
          return new Summary(trained, state);
        }
        if (task.path("type").asString().equals("analyze")) {
          analyze(task.path("analysis"));
          continue;
        }
        if (train(task)) {
          trained++;
        }
      }
      return new Summary(trained, "closed");
    } finally {
      closed = true;
      Thread beat = heartbeats;
      if (beat != null) {
        beat.interrupt();
      }
      runner = null;
    }
  }

  /**
   * Answers a federated analysis: the analyst's summary of the node's data with the model version
   * asked for, or a decline when there is no analyst or it declines. Rows never leave the node.
   */
  private void analyze(JsonNode analysis) throws IOException {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    FederatedAnalyst.Task task =
        new FederatedAnalyst.Task(
            analysis.path("id").asString(),
            analysis.path("kind").asString(),
            Http.JSON.convertValue(
                analysis.path("spec"),
                new tools.jackson.core.type.TypeReference<Map<String, Object>>() {}),
            analysis.path("modelVersion").asInt(),
            analysis.path("length").asInt());
    if (analyst == null) {
      body.put("declined", "this node runs no analyses");
    } else {
      try {
        float[] model = model(task.modelVersion(), analysis.path("model").asString());
        double[] summary = analyst.summarise(task, model);
        if (summary.length != task.length()) {
          body.put(
              "declined",
              "the node's analyst gave " + summary.length + " numbers for " + task.length());
        } else {
          body.put("summary", summary);
        }
      } catch (FederatedAnalyst.Declined | IllegalArgumentException e) {
        body.put("declined", String.valueOf(e.getMessage()));
      }
    }
    JsonNode secure = analysis.path("secureAggregation");
    if (body.get("summary") instanceof double[] summary && secure.isObject()) {
      // The federation aggregates securely: the summary goes masked, on SecAgg's integer grid.
      double range = Double.parseDouble(secure.path("parameters").path("range").asString("0"));
      String unfit = null;
      float[] values = new float[summary.length];
      for (int i = 0; i < summary.length && unfit == null; i++) {
        if (summary[i] != Math.rint(summary[i]) || Math.abs(summary[i]) > range) {
          unfit = "value " + i + " (" + summary[i] + ") is not a whole number within ±" + range;
        }
        values[i] = (float) summary[i];
      }
      if (unfit == null) {
        JsonNode deadline = analysis.path("deadline");
        secureExchange(
            secure,
            0,
            "analysis " + task.id(),
            deadline.isString()
                ? java.time.Instant.parse(deadline.asString())
                : java.time.Instant.now().plus(Duration.ofMinutes(10)),
            () -> new SecureInput(values, 1, "summarised its rows, "));
        return;
      }
      body.remove("summary");
      body.put("declined", "its summary cannot be sent securely: " + unfit);
    }
    String path = analysis.path("summary").asString();
    try {
      withRetry(
          "analysis",
          0,
          () ->
              http.json(
                  http.request(path, Duration.ofMinutes(1))
                      .header("Content-Type", "application/json")
                      .PUT(Http.jsonBody(body))));
      events.accept(
          new Event(
              body.containsKey("summary") ? "analyzed" : "declined",
              0,
              "analysis "
                  + task.id()
                  + " ("
                  + task.kind()
                  + "): "
                  + (body.containsKey("summary")
                      ? "summary sent"
                      : "declined, " + body.get("declined"))));
    } catch (TrustStramException e) {
      if (e.status() == 409 || e.status() == 422 || e.status() == 404) {
        // Closed meanwhile, or refused: the analysis goes on without this node.
        events.accept(new Event("skipped", 0, "analysis " + task.id() + ": " + e.getMessage()));
        return;
      }
      throw e;
    }
  }

  /** What the strategy asks the node to do for privacy: DP-SGD, clipping, noise, or nothing. */
  private static io.truststram.federation.strategy.@Nullable LocalPrivacy localPrivacy(
      JsonNode privacy) {
    if (!privacy.isObject()) {
      return null;
    }
    return new io.truststram.federation.strategy.LocalPrivacy(
        privacy.path("clipNorm").asDouble(),
        privacy.path("noiseStddev").asDouble(),
        privacy.path("exampleClipNorm").asDouble(),
        privacy.path("exampleNoiseMultiplier").asDouble());
  }

  /** Trains one task; false when the coordinator did not take the update. */
  private boolean train(JsonNode task) throws IOException {
    int round = task.path("round").asInt();
    int version = task.path("modelVersion").asInt();
    JsonNode t = task.path("training");
    LocalTraining training =
        new LocalTraining(
            t.path("epochs").asInt(),
            t.path("batchSize").asInt(),
            t.path("learningRate").asDouble(),
            t.path("momentum").asDouble(),
            t.path("proximalMu").asDouble(),
            localPrivacy(t.path("privacy")));
    float[] global = model(version, task.path("model").asString());
    JsonNode secure = task.path("secureAggregation");
    if (secure.isObject()) {
      return trainSecurely(task, secure, training, global);
    }
    FederatedClient.Evaluation evaluation = client.evaluate(global);
    FederatedClient.Fit fit = client.fit(global, training, 0, task.path("seed").asLong());
    // Client-side clipping and local noise, when the strategy asks, before the update leaves.
    training.privatise(global, fit.parameters(), NOISE);
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("examples", Long.toString(Math.max(1, fit.examples())));
    metadata.put("steps", Integer.toString(fit.steps()));
    fit.metrics()
        .forEach(
            (name, value) -> {
              String key = metricName(name);
              if (Double.isFinite(value) && key != null && metadata.size() < 24) {
                metadata.put("train." + key, Double.toString(value));
              }
            });
    if (evaluation.examples() > 0
        && Double.isFinite(evaluation.loss())
        && Double.isFinite(evaluation.accuracy())) {
      metadata.put("evaluate.loss", Double.toString(evaluation.loss()));
      metadata.put("evaluate.accuracy", Double.toString(evaluation.accuracy()));
      metadata.put("evaluate.examples", Long.toString(evaluation.examples()));
    }
    String dataHash = client.trainingDataHash();
    if (dataHash != null) {
      metadata.put("data.sha256", dataHash);
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    SafeTensors.write(
        file,
        java.util.List.of(
            Tensor.ofFloats("parameters", new long[] {fit.parameters().length}, fit.parameters())),
        metadata);
    byte[] bytes = file.toByteArray();
    events.accept(
        new Event(
            "trained",
            round,
            "round "
                + round
                + ": trained "
                + fit.steps()
                + " steps on "
                + fit.examples()
                + " examples, loss "
                + fit.metrics().getOrDefault("loss", Double.NaN)));
    String updatePath = task.path("update").asString();
    try {
      JsonNode receipt =
          bytes.length > chunkThreshold
              ? uploadInChunks(updatePath, round, bytes)
              : upload(updatePath, round, bytes);
      // The next task starts from a new version: keep no model between rounds.
      cachedModel = null;
      cachedVersion = -1;
      events.accept(
          new Event(
              "uploaded",
              round,
              "round "
                  + round
                  + ": update acknowledged ("
                  + receipt.path("bytes").asLong()
                  + " bytes)"));
      return true;
    } catch (TrustStramException e) {
      if (e.status() == 409
          || e.status() == 422
          || e.status() == 413
          || e.type().equals("federation-upload-not-found")) {
        // Late (the round closed), not chosen any more, or refused: nothing to retry.
        events.accept(new Event("skipped", round, "round " + round + ": " + e.getMessage()));
        log.log(
            System.Logger.Level.WARNING,
            "update of round {0} not taken: {1}",
            round,
            e.getMessage());
        return false;
      }
      throw e;
    }
  }

  /**
   * Takes part in a secure round: sends keys and shares, trains, sends its change masked, reveals
   * the shares asked for. The coordinator sees only the masked change; false when the round aborted
   * or moved on without this node.
   */
  private boolean trainSecurely(
      JsonNode task, JsonNode secure, LocalTraining training, float[] global) throws IOException {
    int round = task.path("round").asInt();
    if (secure.path("protocol").asString().equals("paillier")) {
      return trainEncrypted(task, secure, training, global);
    }
    return secureExchange(
        secure,
        round,
        "round " + round,
        java.time.Instant.parse(task.path("deadline").asString()),
        () -> {
          FederatedClient.Fit fit = client.fit(global, training, 0, task.path("seed").asLong());
          training.privatise(global, fit.parameters(), NOISE);
          float[] change = new float[global.length];
          for (int i = 0; i < change.length; i++) {
            change[i] = fit.parameters()[i] - global[i];
          }
          cachedModel = null;
          cachedVersion = -1;
          return new SecureInput(
              change, Math.max(1, fit.examples()), "trained " + fit.steps() + " steps, ");
        });
  }

  /** What a node masks in a secure aggregation, its weight, and what it did to get it. */
  private record SecureInput(float[] values, long weight, String done) {}

  /**
   * One secure aggregation (SecAgg or SecAgg+) as the task's {@code secure} view describes it:
   * sends keys and shares, computes its input ({@code input}, after the shares are out), sends it
   * masked, confirms the survivors and reveals the shares asked for. False when it aborted, the
   * node sat it out, or it moved on without this node.
   */
  private boolean secureExchange(
      JsonNode secure,
      int round,
      String label,
      java.time.Instant deadline,
      java.util.function.Supplier<SecureInput> input)
      throws IOException {
    Map<String, String> settings = new TreeMap<>();
    secure
        .path("parameters")
        .properties()
        .forEach(e -> settings.put(e.getKey(), e.getValue().asString()));
    java.util.List<String> clients = new java.util.ArrayList<>();
    secure.path("clients").forEach(c -> clients.add(c.asString()));
    io.truststram.federation.secagg.SecAggRound secureRound;
    io.truststram.federation.secagg.SecAggClient protocol;
    try {
      secureRound =
          new io.truststram.federation.secagg.SecAggRound(
              secure.path("federation").asString(),
              secure.path("round").asInt(),
              secure.path("attempt").asInt(),
              clients,
              secure.path("graphSeed").asLong(),
              secure.path("length").asInt(),
              io.truststram.federation.secagg.SecAggParameters.fromMap(
                  secure.path("protocol").asString(), settings));
      protocol =
          new io.truststram.federation.secagg.SecAggClient(
              secureRound, secure.path("index").asInt(), identity, directory, NOISE);
    } catch (IllegalArgumentException e) {
      events.accept(new Event("skipped", round, label + ": " + e.getMessage()));
      return false;
    }
    try {
      policy.check(secureRound);
    } catch (io.truststram.federation.secagg.SecAggPolicy.Refused e) {
      return refuse(round, label, e);
    }
    String base = secure.path("endpoint").asString();
    Duration stage = Duration.ofSeconds(Math.max(1, secure.path("stageTimeoutSeconds").asLong()));
    int bits = secureRound.parameters().modulusBits();
    try {
      post(base + "/keys", protocol.advertise().encode());
      events.accept(new Event("secure-keys", round, label + ": keys sent"));
      byte[] bundles = fetch(base + "/bundles", stage);
      post(
          base + "/shares",
          protocol
              .shareKeys(io.truststram.federation.secagg.SecAggMessages.decodeBundles(bundles))
              .encode());
      events.accept(new Event("secure-shared", round, label + ": shares sent"));
      SecureInput in = input.get();
      Duration untilDeadline = Duration.between(java.time.Instant.now(), deadline);
      byte[] boxes =
          fetch(base + "/boxes", untilDeadline.compareTo(stage) > 0 ? untilDeadline : stage);
      var masked =
          protocol.maskInput(
              io.truststram.federation.secagg.SecAggMessages.decodeBoxes(boxes),
              in.values(),
              in.weight());
      post(base + "/masked", masked.encode(bits));
      events.accept(
          new Event(
              "secure-masked",
              round,
              label
                  + ": "
                  + in.done()
                  + "masked input sent ("
                  + masked.clipped()
                  + " values clipped)"));
      // Others may still be at work: the unmasking opens by the deadline at the latest.
      Duration untilUnmask =
          Duration.between(java.time.Instant.now(), deadline).plus(stage.multipliedBy(2));
      byte[] survivors = fetch(base + "/survivors", untilUnmask);
      post(
          base + "/confirm",
          protocol
              .confirm(io.truststram.federation.secagg.SecAggMessages.decodeSurvivors(survivors))
              .encode());
      byte[] request = fetch(base + "/request", stage.multipliedBy(2));
      post(
          base + "/unmask",
          protocol
              .unmask(io.truststram.federation.secagg.SecAggMessages.UnmaskRequest.decode(request))
              .encode());
      events.accept(new Event("uploaded", round, label + ": secure round done"));
      return true;
    } catch (io.truststram.federation.secagg.SecAggAbortedException e) {
      events.accept(new Event("aborted", round, label + ": " + e.getMessage()));
      log.log(
          System.Logger.Level.WARNING,
          "{0}: secure aggregation aborted: {1}",
          label,
          e.getMessage());
      return false;
    } catch (TrustStramException e) {
      if (e.status() == 409 || e.status() == 404) {
        events.accept(new Event("skipped", round, label + ": " + e.getMessage()));
        return false;
      }
      throw e;
    }
  }

  /**
   * Under Paillier: trains, encrypts the change under the key holder's public key and sends it. The
   * coordinator sees only ciphertexts; the key holder decrypts only their sum.
   */
  private boolean trainEncrypted(
      JsonNode task, JsonNode secure, LocalTraining training, float[] global) throws IOException {
    int round = task.path("round").asInt();
    Map<String, String> settings = new TreeMap<>();
    secure
        .path("parameters")
        .properties()
        .forEach(e -> settings.put(e.getKey(), e.getValue().asString()));
    io.truststram.federation.secagg.PaillierSettings paillier;
    io.truststram.federation.secagg.PaillierAggregation aggregation;
    int inputs = secure.path("index").asInt();
    try {
      paillier =
          io.truststram.federation.secagg.PaillierSettings.fromMap(
              settings, io.truststram.federation.secagg.PaillierSettings.MIN_BITS);
      aggregation = paillier.aggregation(inputs, secure.path("length").asInt());
    } catch (IllegalArgumentException e) {
      events.accept(new Event("skipped", round, "round " + round + ": " + e.getMessage()));
      return false;
    }
    try {
      policy.check(paillier, inputs, pinnedPaillierKey);
    } catch (io.truststram.federation.secagg.SecAggPolicy.Refused e) {
      return refuse(round, e);
    }
    pinnedPaillierKey =
        io.truststram.federation.secagg.SecAggPolicy.fingerprint(paillier.publicKey());
    FederatedClient.Fit fit = client.fit(global, training, 0, task.path("seed").asLong());
    training.privatise(global, fit.parameters(), NOISE);
    float[] change = new float[global.length];
    for (int i = 0; i < change.length; i++) {
      change[i] = fit.parameters()[i] - global[i];
    }
    var encrypted = aggregation.encrypt(change, Math.max(1, fit.examples()), NOISE);
    String path = secure.path("endpoint").asString().replace("{round}", Integer.toString(round));
    cachedModel = null;
    cachedVersion = -1;
    try {
      post(path, aggregation.encode(encrypted));
    } catch (TrustStramException e) {
      if (e.status() == 409 || e.status() == 404) {
        events.accept(new Event("skipped", round, "round " + round + ": " + e.getMessage()));
        return false;
      }
      throw e;
    }
    events.accept(
        new Event(
            "uploaded",
            round,
            "round "
                + round
                + ": trained "
                + fit.steps()
                + " steps, encrypted change sent ("
                + encrypted.clipped()
                + " values clipped)"));
    return true;
  }

  private boolean refuse(int round, io.truststram.federation.secagg.SecAggPolicy.Refused e) {
    return refuse(round, "round " + round, e);
  }

  private boolean refuse(
      int round, String label, io.truststram.federation.secagg.SecAggPolicy.Refused e) {
    events.accept(new Event("refused", round, label + ": sat out: " + e.getMessage()));
    log.log(System.Logger.Level.WARNING, "{0} refused: {1}", label, e.getMessage());
    return false;
  }

  private void post(String path, byte[] body) throws IOException {
    HttpRequest.Builder request =
        http.request(path, Duration.ofMinutes(5))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    http.stream(request).body().close();
  }

  /** Waits for a secure stage to open, up to {@code patience}; 409 when the round moved on. */
  private byte[] fetch(String path, Duration patience) throws IOException {
    long deadline = System.nanoTime() + patience.plusSeconds(30).toNanos();
    while (!closed) {
      var response =
          http.stream(
              http.request(
                      path + "?wait=" + Math.max(1, pollWait.toSeconds()), pollWait.plusSeconds(30))
                  .GET());
      byte[] body;
      try (var in = response.body()) {
        body = in.readAllBytes();
      }
      if (response.statusCode() == 200) {
        return body;
      }
      if (System.nanoTime() > deadline) {
        throw new TrustStramException(
            409, "secure-stage-timeout", "the stage did not open in time", null);
      }
    }
    throw new java.io.InterruptedIOException("the node was closed");
  }

  /**
   * A client's metric name as the protocol takes it ({@code [a-z][a-z0-9_]{0,31}}: lower case,
   * other characters as underscores), or null when nothing usable is left.
   */
  static @Nullable String metricName(String name) {
    String cleaned = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    cleaned = cleaned.replaceFirst("^[^a-z]+", "");
    if (cleaned.isEmpty()) {
      return null;
    }
    return cleaned.length() > 32 ? cleaned.substring(0, 32) : cleaned;
  }

  private float[] model(int version, String path) throws IOException {
    if (version == cachedVersion && cachedModel != null) {
      return cachedModel.clone();
    }
    float[] model =
        withRetry(
            "download",
            0,
            () -> {
              HttpResponse<InputStream> response =
                  http.stream(
                      http.request(path, Duration.ofMinutes(30))
                          .header("Accept", "application/vnd.safetensors")
                          .GET());
              try (InputStream in = response.body()) {
                return SafeTensors.read(in, new SafeTensors.Limits(1 << 20, Integer.MAX_VALUE - 8))
                    .tensor("parameters")
                    .toFloats();
              }
            });
    cachedVersion = version;
    cachedModel = model;
    return model.clone();
  }

  private JsonNode upload(String path, int round, byte[] bytes) throws IOException {
    String key = UUID.randomUUID().toString();
    return withRetry(
        "upload",
        round,
        () ->
            Objects.requireNonNull(
                http.json(
                    http.request(path, Duration.ofMinutes(10))
                        .header("Content-Type", "application/vnd.safetensors")
                        .header("Idempotency-Key", key)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)))));
  }

  /** Uploads through a resumable upload, resuming from where the server stands after a failure. */
  private JsonNode uploadInChunks(String path, int round, byte[] bytes) throws IOException {
    String key = UUID.randomUUID().toString();
    JsonNode created =
        withRetry(
            "upload",
            round,
            () ->
                Objects.requireNonNull(
                    http.json(
                        http.request(path + "/uploads", Duration.ofMinutes(1))
                            .header("Content-Type", "application/json")
                            .POST(Http.jsonBody(Map.of("totalBytes", bytes.length))))));
    String upload = path + "/uploads/" + created.path("id").asString();
    long offset = 0;
    int failures = 0;
    while (true) {
      if (offset == bytes.length) {
        // Every byte arrived but the final answer was lost: ask for the submission alone.
        JsonNode receipt =
            withRetry(
                "upload",
                round,
                () ->
                    Objects.requireNonNull(
                        http.json(
                            http.request(upload, Duration.ofMinutes(10))
                                .header("Content-Type", "application/octet-stream")
                                .header("Idempotency-Key", key)
                                .header("Content-Range", "bytes */" + bytes.length)
                                .PUT(HttpRequest.BodyPublishers.noBody()))));
        return receipt;
      }
      int length = (int) Math.min(chunkSize, bytes.length - offset);
      try {
        JsonNode answer =
            Objects.requireNonNull(
                http.json(
                    http.request(upload, Duration.ofMinutes(10))
                        .header("Content-Type", "application/octet-stream")
                        .header("Idempotency-Key", key)
                        .header(
                            "Content-Range",
                            "bytes " + offset + "-" + (offset + length - 1) + "/" + bytes.length)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes, (int) offset, length))));
        if (answer.has("sha256")) {
          return answer;
        }
        offset = answer.path("offset").asLong();
        failures = 0;
      } catch (TrustStramException e) {
        if (!e.retryable() && !e.type().equals("federation-upload-offset-mismatch")) {
          throw e;
        }
        failures = backOff("upload", round, failures, e);
        offset = resumeAt(upload, round);
      } catch (IOException e) {
        if (e instanceof InterruptedIOException) {
          throw e;
        }
        failures = backOff("upload", round, failures, e);
        offset = resumeAt(upload, round);
      }
    }
  }

  private long resumeAt(String upload, int round) throws IOException {
    return withRetry(
            "upload",
            round,
            () ->
                Objects.requireNonNull(
                    http.json(http.request(upload, Duration.ofMinutes(1)).GET())))
        .path("offset")
        .asLong();
  }

  /**
   * Reports signs of life while no poll does: a poll in flight tells the coordinator the node is
   * there, so heartbeats flow only while the node trains or uploads, and a node holds one
   * connection most of the time rather than two.
   */
  private void heartbeatLoop() {
    long waitSeconds = 15;
    while (!closed) {
      long sinceContact = System.nanoTime() - lastContact;
      if (polling || sinceContact < Duration.ofSeconds(waitSeconds).toNanos()) {
        try {
          Thread.sleep(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      try {
        JsonNode answer =
            http.json(
                http.request(
                        "/api/v1/federations/" + federationId + "/nodes/" + nodeId + "/heartbeat",
                        Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(Http.jsonBody(Map.of("examples", client.examples()))));
        if (answer != null) {
          waitSeconds = Math.max(1, answer.path("nextHeartbeatSeconds").asLong(15));
        }
      } catch (InterruptedIOException e) {
        return;
      } catch (IOException e) {
        log.log(System.Logger.Level.DEBUG, "heartbeat failed: {0}", e.getMessage());
        waitSeconds = 2;
      }
      try {
        Thread.sleep(Duration.ofSeconds(waitSeconds));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One request's body, retried. */
  @FunctionalInterface
  private interface Call<T> {
    T call() throws IOException;
  }

  private <T> T withRetry(String what, int round, Call<T> call) throws IOException {
    int failures = 0;
    while (true) {
      try {
        return call.call();
      } catch (TrustStramException e) {
        if (!e.retryable()) {
          throw e;
        }
        failures = backOff(what, round, failures, e);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        failures = backOff(what, round, failures, e);
      }
    }
  }

  private int backOff(String what, int round, int failures, IOException cause) throws IOException {
    if (closed || failures + 1 >= retry.attempts()) {
      throw cause;
    }
    Duration wait =
        retry.wait(failures, cause instanceof TrustStramException t ? t.retryAfter() : null);
    events.accept(
        new Event(
            "retrying",
            round,
            what + " failed (" + cause.getMessage() + "); retrying in " + wait.toMillis() + " ms"));
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
    return failures + 1;
  }

  /** Stops the node: {@link #run} returns after the request in flight. */
  @Override
  public void close() {
    closed = true;
    Thread beat = heartbeats;
    if (beat != null) {
      beat.interrupt();
    }
    Thread running = runner;
    if (running != null) {
      running.interrupt();
    }
  }

  /** Configures a {@link FederationNode}. */
  public static final class Builder {
    private final URI server;
    private final String federationId;
    private final String nodeId;
    private @Nullable TokenSource tokens;
    private @Nullable FederatedClient client;
    private @Nullable FederatedAnalyst analyst;
    private Duration pollWait = Duration.ofSeconds(30);
    private long chunkThreshold = 64L << 20;
    private int chunkSize = 16 << 20;
    private Retry retry = Retry.DEFAULT;
    private Consumer<Event> events = event -> {};
    private io.truststram.crypto.primitive.@Nullable KeyPair identity;
    private io.truststram.federation.secagg.@Nullable IdentityDirectory directory;
    private io.truststram.federation.secagg.SecAggPolicy policy =
        io.truststram.federation.secagg.SecAggPolicy.DEFAULT;
    private java.net.http.@Nullable HttpClient httpClient;

    private Builder(URI server, String federationId, String nodeId) {
      this.server = server;
      this.federationId = federationId;
      this.nodeId = nodeId;
    }

    /** The node's own credentials (from its registration), usually client credentials. */
    public Builder tokens(TokenSource tokens) {
      this.tokens = tokens;
      return this;
    }

    public Builder client(FederatedClient client) {
      this.client = client;
      return this;
    }

    /**
     * Answers the federation's analyses (fairness, importance ...) with summaries of the node's
     * data; without one, the node declines them.
     */
    public Builder analyst(FederatedAnalyst analyst) {
      this.analyst = analyst;
      return this;
    }

    /** How long each poll for a task waits at the server (1 to 60 s; default 30 s). */
    public Builder pollWait(Duration pollWait) {
      if (pollWait.toSeconds() < 1 || pollWait.toSeconds() > 60) {
        throw new IllegalArgumentException("pollWait must be 1 to 60 seconds");
      }
      this.pollWait = pollWait;
      return this;
    }

    /**
     * Updates larger than {@code threshold} bytes go through a resumable upload in chunks of {@code
     * chunkSize} bytes (defaults: 64 MiB and 16 MiB).
     */
    public Builder chunking(long threshold, int chunkSize) {
      if (threshold < 0 || chunkSize < 1) {
        throw new IllegalArgumentException("threshold >= 0 and chunkSize >= 1");
      }
      this.chunkThreshold = threshold;
      this.chunkSize = chunkSize;
      return this;
    }

    public Builder retry(Retry retry) {
      this.retry = retry;
      return this;
    }

    /**
     * The HTTP client to use (its proxy, TLS and timeout settings); by default one client shared by
     * every node of the process.
     */
    public Builder httpClient(java.net.http.HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    /**
     * The node's long-term ML-DSA-65 identity for secure aggregation, and its record of its peers'
     * identities, which every key bundle is checked against. Without them the node makes an
     * identity for its lifetime and trusts each peer's first key in memory: keep both across
     * restarts in production (see {@code IdentityDirectory.pinning}).
     */
    public Builder secureAggregation(
        io.truststram.crypto.primitive.KeyPair identity,
        io.truststram.federation.secagg.IdentityDirectory directory) {
      this.identity = identity;
      this.directory = directory;
      return this;
    }

    /**
     * The floors this node holds every secure round to (fewest clients, survivors and threshold,
     * least noise, trusted Paillier keys): it sits out a round below them, with an event of kind
     * {@code refused}. By default the protocols' own minimums, and the first Paillier key the
     * federation shows is pinned.
     */
    public Builder secureAggregationPolicy(io.truststram.federation.secagg.SecAggPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Receives progress events (on the node's thread). */
    public Builder events(Consumer<Event> events) {
      this.events = events;
      return this;
    }

    public FederationNode build() {
      return new FederationNode(this);
    }
  }
}
