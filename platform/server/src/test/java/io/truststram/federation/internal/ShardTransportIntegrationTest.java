package io.truststram.federation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.federation.sharding.ShardFailureException;
import io.truststram.federation.sharding.ShardMessages;
import io.truststram.federation.sharding.ShardedStrategy;
import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.RoundAggregation;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
import io.truststram.platform.testing.ServerIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The aggregation shard endpoints of this process driven through {@link HttpShardTransport}: two
 * shards (both this process) fold a FedAdam federation's rounds exactly as one strategy in memory
 * does; calls without the secret, malformed messages and unknown sessions get problem documents.
 */
class ShardTransportIntegrationTest extends ServerIntegrationTest {

  private static final String SECRET = "test-shard-secret";
  private static final Strategies STRATEGIES = Strategies.standard();

  @Test
  void shardsOverHttpFoldRoundsExactlyAsTheWholeStrategyDoes() {
    URI self = URI.create("http://localhost:" + port);
    double foldsBefore = folds();
    Map<String, String> parameters = Map.of("server-learning-rate", "0.05");
    Strategy whole = STRATEGIES.create("fedadam", parameters);
    try (HttpShardTransport transport =
        new HttpShardTransport(List.of(self, self), SECRET, Duration.ofSeconds(30))) {
      Strategy sharded =
          new ShardedStrategy(
              STRATEGIES.create("fedadam", parameters),
              parameters,
              UUID.randomUUID().toString(),
              transport);
      Random random = new Random(11);
      float[] global = vector(random, 2_501);
      float[] globalSharded = global.clone();
      for (int round = 1; round <= 3; round++) {
        RoundAggregation a = whole.beginRound(round, global);
        RoundAggregation b = sharded.beginRound(round, globalSharded);
        for (int client = 0; client < 4; client++) {
          ClientUpdate update =
              ClientUpdate.of("c" + client, vector(random, 2_501), 10 + client, 5);
          a.accept(update);
          b.accept(update);
        }
        global = a.finish();
        globalSharded = b.finish();
        assertThat(Arrays.mismatch(global, globalSharded)).as("round %d", round).isEqualTo(-1);
      }
      assertThat(Arrays.mismatch(whole.serverState().get("v"), sharded.serverState().get("v")))
          .isEqualTo(-1);
    }
    assertThat(folds() - foldsBefore).isEqualTo(3 * 4 * 2);
  }

  @Test
  void aShardThatDoesNotAnswerFailsTheRoundsFinishNotItsFolds() throws Exception {
    int closed;
    try (var socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    try (HttpShardTransport transport =
        new HttpShardTransport(
            List.of(
                URI.create("http://localhost:" + port), URI.create("http://localhost:" + closed)),
            SECRET,
            Duration.ofSeconds(5))) {
      Strategy sharded =
          new ShardedStrategy(STRATEGIES.create("fedavg", Map.of()), Map.of(), "down", transport);
      RoundAggregation round = sharded.beginRound(1, new float[8]);
      round.accept(ClientUpdate.of("c", new float[8], 1, 1));
      assertThat(round.accepted()).isEqualTo(1);
      assertThatThrownBy(round::finish).isInstanceOf(ShardFailureException.class);
    }
  }

  @Test
  void callsWithoutTheSecretMalformedMessagesAndUnknownSessionsGetProblems() throws Exception {
    String base = "/internal/aggregation/v1/sessions/";
    UUID session = UUID.randomUUID();
    var anonymous = send("POST", base + session + "/finish", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains(TYPES + "unauthorized");
    var wrong = send("POST", base + session + "/finish", "Bearer not-the-secret", null);
    assertThat(wrong.statusCode()).isEqualTo(401);
    // An access token of the platform is not the shards' secret either.
    var adminToken = send("POST", base + session + "/finish", "Bearer " + http.token(), null);
    assertThat(adminToken.statusCode()).isEqualTo(401);

    var unknown = send("POST", base + session + "/finish", "Bearer " + SECRET, null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains(TYPES + "aggregation-session-not-found");

    var garbage = send("POST", base + session, "Bearer " + SECRET, "not safetensors".getBytes());
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).contains(TYPES + "aggregation-invalid-message");

    ByteArrayOutputStream fold = new ByteArrayOutputStream();
    ShardMessages.write(
        new ShardMessages.Fold(session, 1, ClientUpdate.of("c", new float[2], 1, 1)), fold);
    var noSession =
        send("POST", base + session + "/updates", "Bearer " + SECRET, fold.toByteArray());
    assertThat(noSession.statusCode()).isEqualTo(404);

    ByteArrayOutputStream begin = new ByteArrayOutputStream();
    ShardMessages.write(
        new ShardMessages.Begin(
            session,
            "g",
            1,
            "fedbuff",
            Map.of(),
            new io.truststram.federation.sharding.ParameterRange(0, 2),
            2,
            new float[2],
            Map.of()),
        begin);
    var unseparable = send("POST", base + session, "Bearer " + SECRET, begin.toByteArray());
    assertThat(unseparable.statusCode()).isEqualTo(400);
    assertThat(unseparable.body()).contains("cannot be aggregated by parameter range");
    var elsewhere = send("POST", base + UUID.randomUUID(), "Bearer " + SECRET, begin.toByteArray());
    assertThat(elsewhere.statusCode()).isEqualTo(400);
    assertThat(elsewhere.body()).contains("the session in the path is not the message's");
  }

  private double folds() {
    var counter =
        context.getBean(MeterRegistry.class).find("truststram.aggregation.folds").counter();
    return counter == null ? 0 : counter.count();
  }

  private HttpResponse<String> send(String method, String path, String authorization, byte[] body)
      throws Exception {
    var builder =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", ShardMessages.MEDIA_TYPE);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private static float[] vector(Random random, int length) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
