package io.truststram.federation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.truststram.common.tenant.TenantId;
import io.truststram.federation.ClientSelector;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import io.truststram.platform.blob.BlobStore;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Permission;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A FedBuff federation picked up by a second coordinator over the same database and blob store, as
 * after a restart: the report already acknowledged stays in the buffer exactly once, the tasks out
 * are still honoured, and the next version is the one the buffer's reports make.
 */
class FedBuffRecoveryIntegrationTest extends ServerIntegrationTest {

  private static final int PARAMETERS = 8;

  @Test
  void aRestartedCoordinatorKeepsTheBufferAndTheTasksOut() throws Exception {
    TenantId tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("fbr-" + System.nanoTime(), "FedBuff recovery"))
            .id();
    HttpTestClient owner =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST)));
    var created =
        owner.postJson(
            "/api/v1/federations",
            """
            {"name":"fedbuff-recovery","model":{"kind":"softmax","inputs":3,"classes":2},
             "strategy":{"name":"fedbuff","parameters":{"buffer-size":"3","max-staleness":"1"}},
             "rounds":2,"clientsPerRound":3,"minClients":1,"roundTimeoutSeconds":600,"seed":4}
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    UUID federation = UUID.fromString(created.json().path("id").asString());
    List<UUID> nodes = new ArrayList<>();
    List<Caller> callers = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      JsonNode registered =
          owner
              .postJson(
                  "/api/v1/federations/" + federation + "/nodes",
                  "{\"name\":\"" + name + "\",\"examples\":10}")
              .json();
      nodes.add(UUID.fromString(registered.path("node").path("id").asString()));
      String clientId = registered.path("clientId").asString();
      callers.add(
          new Caller(
              clientId,
              clientId,
              tenant,
              Set.of(Role.FEDERATION_PARTICIPANT),
              EnumSet.of(Permission.FEDERATION_PARTICIPATE),
              List.of()));
    }
    assertThat(owner.postJson("/api/v1/federations/" + federation + "/start", "").status())
        .isEqualTo(200);

    Coordinator first = context.getBean(Coordinator.class);
    var offerA = first.poll(callers.get(0), federation, nodes.get(0), Duration.ofSeconds(5));
    var offerB = first.poll(callers.get(1), federation, nodes.get(1), Duration.ofSeconds(5));
    assertThat(offerA).isInstanceOf(Coordinator.TrainOffer.class);
    assertThat(offerB).isInstanceOf(Coordinator.TrainOffer.class);
    float[] a = filled(1);
    float[] b = filled(2);
    float[] c = filled(6);
    first.submit(callers.get(0), federation, 1, nodes.get(0), "a-1", update(a));

    // A second coordinator over the same state, as the process that starts after a crash.
    try (Coordinator restarted = fresh()) {
      restarted.wake(federation);
      // B's task survived the restart; C gets one now.
      restarted.submit(callers.get(1), federation, 1, nodes.get(1), "b-1", update(b));
      var offerC = restarted.poll(callers.get(2), federation, nodes.get(2), Duration.ofSeconds(5));
      assertThat(offerC).isInstanceOf(Coordinator.TrainOffer.class);
      assertThat(((Coordinator.TrainOffer) offerC).round()).isEqualTo(1);
      // A's report is in the buffer already: counting it again would be refused as a replay.
      var replayed =
          restarted.submit(callers.get(0), federation, 1, nodes.get(0), "a-1", update(a));
      assertThat(replayed.replayed()).isTrue();
      restarted.submit(callers.get(2), federation, 1, nodes.get(2), "c-1", update(c));

      Rounds.Round version1 = context.getBean(Rounds.class).find(federation, 1).orElseThrow();
      assertThat(version1.state()).isEqualTo("COMPLETED");
      assertThat(version1.accepted()).isEqualTo(3);
      float[] model =
          new Checkpoints(context.getBean(BlobStore.class))
              .loadModel(federation, 1, PARAMETERS)
              .orElseThrow();
      // Staleness 0 for all three: the new version is their plain average (learning rate 1).
      for (int i = 0; i < PARAMETERS; i++) {
        assertThat(model[i]).isCloseTo((a[i] + b[i] + c[i]) / 3, within(1e-5f));
      }
    }
  }

  private Coordinator fresh() {
    return new Coordinator(
        context.getBean(FederationStore.class),
        context.getBean(Rounds.class),
        context.getBean(Nodes.class),
        context.getBean(Participants.class),
        new Checkpoints(context.getBean(BlobStore.class)),
        context.getBean(Analyses.class),
        null,
        ClientSelector.uniform(),
        new TransactionTemplate(context.getBean(PlatformTransactionManager.class)),
        context,
        new SimpleMeterRegistry(),
        Clock.systemUTC(),
        Duration.ofHours(1),
        Duration.ofSeconds(10),
        null);
  }

  private static float[] filled(float value) {
    float[] values = new float[PARAMETERS];
    for (int i = 0; i < values.length; i++) {
      values[i] = value + i / 10f;
    }
    return values;
  }

  private static ByteArrayInputStream update(float[] parameters) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.write(
        out,
        List.of(Tensor.ofFloats("parameters", new long[] {parameters.length}, parameters)),
        Map.of("examples", "10", "steps", "1"));
    return new ByteArrayInputStream(out.toByteArray());
  }
}
