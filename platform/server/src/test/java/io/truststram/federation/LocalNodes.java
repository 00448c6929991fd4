package io.truststram.federation;

import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.Classifier;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.net.URI;
import java.time.Duration;

/** Client nodes of the tests: registered through the SDK, training a local device's data. */
final class LocalNodes {

  private LocalNodes() {}

  /** Registers node {@code name} with {@code registrar} and builds it to train {@code device}. */
  static FederationNode register(
      URI server,
      TrustStramApi registrar,
      String federationId,
      String name,
      Classifier model,
      Synthetic.Device device)
      throws java.io.IOException {
    var credentials = registrar.registerNode(federationId, name, device.train().rows());
    return build(server, federationId, credentials, name, model, device);
  }

  static FederationNode build(
      URI server,
      String federationId,
      TrustStramApi.NodeCredentials credentials,
      String name,
      Classifier model,
      Synthetic.Device device) {
    return FederationNode.builder(server, federationId, credentials.nodeId())
        .tokens(
            TokenSource.clientCredentials(
                server, credentials.clientId(), credentials.clientSecret()))
        .client(new LocalClient(name, model, device.train(), device.test()))
        .pollWait(Duration.ofSeconds(5))
        .build();
  }

  /** A bearer token of a new tenant (named {@code prefix} plus a nonce) with {@code role}. */
  static String newTenantToken(
      org.springframework.context.ApplicationContext context,
      int port,
      String prefix,
      io.truststram.platform.security.Role role) {
    io.truststram.common.tenant.TenantId tenant =
        context
            .getBean(io.truststram.identity.Tenants.class)
            .create(new io.truststram.identity.NewTenant(prefix + "-" + System.nanoTime(), prefix))
            .id();
    return io.truststram.platform.testing.TestTokens.token(
        port, io.truststram.platform.testing.TestTokens.client(context, tenant, role));
  }

  /** A softmax federation over Synthetic data, named {@code prefix} plus a nonce. */
  static TrustStramApi.FederationSpec synthetic(
      String prefix,
      String strategy,
      java.util.Map<String, String> parameters,
      int rounds,
      int clientsPerRound,
      int minClients,
      long seed) {
    return new TrustStramApi.FederationSpec(
        prefix + "-" + System.nanoTime(),
        "softmax",
        Synthetic.DIMENSION,
        Synthetic.CLASSES,
        java.util.List.of(),
        strategy,
        parameters,
        rounds,
        clientsPerRound,
        minClients,
        60,
        seed);
  }

  /**
   * Runs {@code nodes} on virtual threads, starts the federation, and waits until it ends or a node
   * stops early (whose error, not a timeout, is then what the caller sees); returns each node's
   * summary, in order.
   */
  static java.util.List<FederationNode.Summary> runToEnd(
      TrustStramApi api, String federationId, java.util.List<FederationNode> nodes)
      throws Exception {
    var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    var runs = new java.util.ArrayList<java.util.concurrent.Future<FederationNode.Summary>>();
    try {
      for (FederationNode node : nodes) {
        runs.add(pool.submit(node::run));
      }
      org.assertj.core.api.Assertions.assertThat(api.start(federationId).state())
          .isEqualTo("running");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  api.federation(federationId).ended()
                      || runs.stream().anyMatch(java.util.concurrent.Future::isDone));
      var summaries = new java.util.ArrayList<FederationNode.Summary>();
      for (var run : runs) {
        summaries.add(run.get(1, java.util.concurrent.TimeUnit.MINUTES));
      }
      return summaries;
    } finally {
      pool.shutdownNow();
    }
  }
}
