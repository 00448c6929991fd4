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
}
