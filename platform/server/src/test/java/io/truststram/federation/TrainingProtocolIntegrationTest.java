package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.ml.safetensors.DType;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The training protocol driven by hand, the way a node in another language would: tasks, model
 * downloads, updates whole and in resumable chunks, and every kind of bad input, each refused with
 * its problem type and none of them touching the aggregate.
 */
class TrainingProtocolIntegrationTest extends ServerIntegrationTest {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String SAFETENSORS = "application/vnd.safetensors";

  /** softmax(3 -> 2): 3 × 2 weights and 2 biases. */
  private static final int PARAMETERS = 8;

  private HttpTestClient owner;
  private String federation;
  private String nodeA;
  private String nodeB;
  private HttpTestClient asA;
  private HttpTestClient asB;

  @BeforeEach
  void federationWithTwoNodes() {
    TenantId tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("tp-" + NAMES.incrementAndGet(), "T"))
            .id();
    owner =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST)));
    var created =
        owner.postJson(
            "/api/v1/federations",
            """
            {"name":"protocol-%d","model":{"kind":"softmax","inputs":3,"classes":2},
             "strategy":{"name":"fedavg","parameters":{"epochs":"1"}},
             "rounds":2,"clientsPerRound":2,"minClients":2,"roundTimeoutSeconds":120,"seed":1}
            """
                .formatted(NAMES.incrementAndGet()));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    federation = created.json().path("id").asString();
    JsonNode a = register("a");
    JsonNode b = register("b");
    nodeA = a.path("node").path("id").asString();
    nodeB = b.path("node").path("id").asString();
    asA = nodeClient(a, tenant);
    asB = nodeClient(b, tenant);
  }

  @Test
  void nodesTrainARoundThroughThePlainProtocolAndBadInputNeverTouchesTheAggregate()
      throws IOException {
    // Before the start there is nothing to do; heartbeats make both nodes available.
    assertThat(asA.get(taskPath(nodeA) + "?wait=0").status()).isEqualTo(204);
    assertThat(asA.postJson(nodePath(nodeA) + "/heartbeat", "{\"examples\":30}").status())
        .isEqualTo(200);
    assertThat(asB.postJson(nodePath(nodeB) + "/heartbeat", "{\"examples\":10}").status())
        .isEqualTo(200);
    assertThat(owner.postJson("/api/v1/federations/" + federation + "/start", "").status())
        .isEqualTo(200);

    JsonNode task = pollTask(asA, nodeA);
    assertThat(task.path("type").asString()).isEqualTo("train");
    assertThat(task.path("round").asInt()).isEqualTo(1);
    assertThat(task.path("modelVersion").asInt()).isZero();
    assertThat(task.path("parameters").asInt()).isEqualTo(PARAMETERS);
    assertThat(task.path("training").path("epochs").asInt()).isEqualTo(1);
    pollTask(asB, nodeB);

    var model = asA.get(task.path("model").asString());
    assertThat(model.status()).isEqualTo(200);
    assertThat(model.contentType()).startsWith(SAFETENSORS);
    String etag = model.header("ETag").orElseThrow();
    float[] initial = read(asA.getBytes(task.path("model").asString()));
    assertThat(initial).hasSize(PARAMETERS);
    assertThat(
            asA.send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(
                                "http://127.0.0.1:" + port + task.path("model").asString()))
                        .header("If-None-Match", etag)
                        .GET())
                .status())
        .isEqualTo(304);

    String update = task.path("update").asString();
    float[] a = filled(0.5f);
    float[] b = filled(-1.5f);

    // Bad input: each refused with its type; nothing is counted.
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, "not safetensors".getBytes()),
        422,
        "federation-invalid-update");
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, file(new float[PARAMETERS - 1], "10")),
        422,
        "federation-invalid-update");
    float[] nan = filled(1);
    nan[3] = Float.NaN;
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, file(nan, "10")),
        422,
        "federation-invalid-update");
    float[] infinite = filled(1);
    infinite[0] = Float.NEGATIVE_INFINITY;
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, file(infinite, "10")),
        422,
        "federation-invalid-update");
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, integers()), 422, "federation-invalid-update");
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, file(a, (String) null)),
        422,
        "federation-invalid-update");
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, file(a, "0")), 422, "federation-invalid-update");
    expectProblem(
        asA.sendBytes(
            "PUT", update, SAFETENSORS, file(a, Map.of("examples", "10", "exmaples", "1"))),
        422,
        "federation-invalid-update");
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, new byte[(1 << 20) + 200]),
        413,
        "federation-update-too-large");
    expectProblem(
        asA.sendBytes(
            "PUT", update.replace("/rounds/1/", "/rounds/2/"), SAFETENSORS, file(a, "10")),
        409,
        "federation-round-not-open");
    expectProblem(
        asA.sendBytes("PUT", update.replace(nodeA, nodeB), SAFETENSORS, file(a, "10")),
        404,
        "federation-node-not-found");
    expectProblem(owner.sendBytes("PUT", update, SAFETENSORS, file(a, "10")), 403, "forbidden");
    fuzz(update, file(a, "30"));
    assertThat(round(1).path("round").path("updates").asInt()).isZero();

    // A's update whole, with an idempotency key; the same again is a replay, a different one not.
    var accepted =
        asA.sendBytes("PUT", update, SAFETENSORS, file(a, "30"), "Idempotency-Key", "a-round-1");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
    var again =
        asA.sendBytes("PUT", update, SAFETENSORS, file(a, "30"), "Idempotency-Key", "a-round-1");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).contains("true");
    assertThat(again.json().path("sha256").asString())
        .isEqualTo(accepted.json().path("sha256").asString());
    expectProblem(
        asA.sendBytes("PUT", update, SAFETENSORS, file(b, "30")),
        409,
        "federation-update-conflict");

    // B's update through a resumable upload, interrupted by a misplaced chunk.
    byte[] bFile = file(b, "10");
    String bUpdate = update.replace(nodeA, nodeB);
    var started = asB.postJson(bUpdate + "/uploads", "{\"totalBytes\":" + bFile.length + "}");
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String upload = bUpdate + "/uploads/" + started.json().path("id").asString();
    assertThat(chunk(asB, upload, bFile, 0, 40).json().path("offset").asLong()).isEqualTo(40);
    expectProblem(chunk(asB, upload, bFile, 0, 40), 409, "federation-upload-offset-mismatch");
    expectProblem(
        asB.sendBytes("PUT", upload, "application/octet-stream", new byte[4]),
        409,
        "federation-upload-offset-mismatch");
    assertThat(asB.get(upload).json().path("offset").asLong()).isEqualTo(40);
    var completed = chunk(asB, upload, bFile, 40, bFile.length - 40);
    assertThat(completed.status()).as(completed.body()).isEqualTo(201);
    expectProblem(asB.get(upload), 404, "federation-upload-not-found");

    // Both reported: the round closed with exactly the example-weighted average.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> round(1).path("round").path("state").asString().equals("completed"));
    JsonNode closed = round(1).path("round");
    assertThat(closed.path("updates").asInt()).isEqualTo(2);
    assertThat(closed.path("examples").asLong()).isEqualTo(40);
    float[] next = read(owner.getBytes("/api/v1/federations/" + federation + "/models/1"));
    for (int i = 0; i < PARAMETERS; i++) {
      assertThat(next[i]).isCloseTo((30 * a[i] + 10 * b[i]) / 40, within(1e-6f));
    }
    // Round 1 is over: B's first receipt still stands, another file does not; no such versions.
    String bRound1 = "/api/v1/federations/" + federation + "/rounds/1/updates/" + nodeB;
    assertThat(asB.sendBytes("PUT", bRound1, SAFETENSORS, bFile).status()).isEqualTo(200);
    expectProblem(
        asB.sendBytes("PUT", bRound1, SAFETENSORS, file(a, "10")),
        409,
        "federation-update-conflict");
    expectProblem(
        owner.get("/api/v1/federations/" + federation + "/models/9"),
        404,
        "federation-model-not-found");
    expectProblem(
        owner.get("/api/v1/federations/" + federation + "/models/x"),
        404,
        "federation-model-not-found");
    assertThat(http.get("/actuator/prometheus").body())
        .contains("truststram_federation_updates_rejected_total{")
        .contains("reason=\"not_finite\"")
        .contains("reason=\"wrong-shape\"")
        .contains("reason=\"malformed\"");
  }

  @Test
  void aNodesCredentialsActForItsNodeInItsFederationOnly() {
    var other =
        owner.postJson(
            "/api/v1/federations",
            """
            {"name":"other-%d","model":{"kind":"softmax","inputs":3,"classes":2},
             "strategy":{"name":"fedavg"},"rounds":1,"clientsPerRound":1,"minClients":1}
            """
                .formatted(NAMES.incrementAndGet()));
    String otherId = other.json().path("id").asString();
    // The owner's user sees both; the node sees its own federation and nothing else.
    assertThat(owner.get("/api/v1/federations/" + otherId).status()).isEqualTo(200);
    expectProblem(asA.get("/api/v1/federations/" + otherId), 404, "federation-not-found");
    assertThat(asA.get("/api/v1/federations/" + federation).status()).isEqualTo(200);
    JsonNode listed = asA.get("/api/v1/federations").json().path("items");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).path("id").asString()).isEqualTo(federation);
    expectProblem(asA.postJson("/api/v1/federations/" + otherId + "/join", ""), 403, "forbidden");
    expectProblem(
        asA.postJson("/api/v1/federations/" + federation + "/leave", ""), 403, "forbidden");
  }

  /**
   * Random corruptions of a valid file (truncated, extended, a mangled length, bytes of its JSON
   * header broken): each a 4xx, never a 5xx, never counted.
   */
  private void fuzz(String update, byte[] valid) {
    Random random = new Random(42);
    int headerEnd =
        8
            + (int)
                java.nio.ByteBuffer.wrap(valid, 0, 8)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getLong();
    int lastBrace =
        new String(valid, 0, headerEnd, java.nio.charset.StandardCharsets.ISO_8859_1)
            .lastIndexOf('}');
    byte[] breakers = {0, (byte) 0xff, '"', '\\'};
    for (int i = 0; i < 80; i++) {
      byte[] broken;
      switch (i % 4) {
        case 0 -> broken = Arrays.copyOf(valid, random.nextInt(valid.length));
        case 1 -> broken = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(64));
        case 2 -> {
          broken = valid.clone();
          broken[random.nextInt(8)] ^= (byte) (1 + random.nextInt(255));
        }
        default -> {
          broken = valid.clone();
          for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
            int at = 8 + random.nextInt(lastBrace - 8);
            byte replacement = breakers[random.nextInt(breakers.length)];
            broken[at] = broken[at] == replacement ? 0 : replacement;
          }
        }
      }
      var response = asA.sendBytes("PUT", update, SAFETENSORS, broken);
      assertThat(response.status()).as("mutation %d: %s", i, response.body()).isBetween(400, 499);
    }
  }

  private static void expectProblem(HttpTestClient.Response response, int status, String type) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    if (type != null) {
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(response.json().path("type").asString()).isEqualTo(TYPES + type);
    }
  }

  private HttpTestClient.Response chunk(
      HttpTestClient client, String upload, byte[] file, int from, int length) {
    return client.sendBytes(
        "PUT",
        upload,
        "application/octet-stream",
        Arrays.copyOfRange(file, from, from + length),
        "Content-Range",
        "bytes " + from + "-" + (from + length - 1) + "/" + file.length);
  }

  private JsonNode round(int round) {
    return owner.get("/api/v1/federations/" + federation + "/rounds/" + round).json();
  }

  private JsonNode pollTask(HttpTestClient node, String nodeId) {
    var response = node.get(taskPath(nodeId) + "?wait=10");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private String taskPath(String nodeId) {
    return nodePath(nodeId) + "/task";
  }

  private String nodePath(String nodeId) {
    return "/api/v1/federations/" + federation + "/nodes/" + nodeId;
  }

  private JsonNode register(String name) {
    var registered =
        owner.postJson(
            "/api/v1/federations/" + federation + "/nodes",
            "{\"name\":\"" + name + "\",\"examples\":10}");
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    return registered.json();
  }

  private HttpTestClient nodeClient(JsonNode registered, TenantId tenant) {
    return http.withToken(
        TestTokens.token(
            port,
            new TestTokens.TestClient(
                registered.path("clientId").asString(),
                registered.path("clientSecret").asString(),
                tenant)));
  }

  private static float[] filled(float value) {
    float[] values = new float[PARAMETERS];
    for (int i = 0; i < values.length; i++) {
      values[i] = value + i / 10f;
    }
    return values;
  }

  private static byte[] file(float[] parameters, String examples) throws IOException {
    return file(
        parameters, examples == null ? Map.of() : Map.of("examples", examples, "steps", "3"));
  }

  private static byte[] file(float[] parameters, Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.write(
        out,
        List.of(Tensor.ofFloats("parameters", new long[] {parameters.length}, parameters)),
        metadata);
    return out.toByteArray();
  }

  private static byte[] integers() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.write(
        out,
        List.of(
            Tensor.ofBytes(
                "parameters", DType.I32, new long[] {PARAMETERS}, new byte[PARAMETERS * 4])),
        Map.of("examples", "10"));
    return out.toByteArray();
  }

  private static float[] read(byte[] file) throws IOException {
    return SafeTensors.read(new ByteArrayInputStream(file), SafeTensors.Limits.DEFAULT)
        .tensor("parameters")
        .toFloats();
  }
}
