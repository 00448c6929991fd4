package io.truststram.cli;

import io.truststram.federation.LocalClient;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code truststram fl node}: one client node, training on one partition of a configuration's data
 * in a federation on a server, until the federation ends. What {@code fl run} starts N of; on a
 * real site, the program that keeps the site's data where it is.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Run one client node: train on one partition of the configuration's data in a federation,"
          + " over HTTP, until it ends.",
      "The node's credentials (from its registration) come from the environment variables "
          + FlNodeCommand.CLIENT_ID
          + " and "
          + FlNodeCommand.CLIENT_SECRET
          + ", never the command line."
    })
final class FlNodeCommand implements Callable<Integer> {

  static final String CLIENT_ID = "TRUSTSTRAM_NODE_CLIENT_ID";
  static final String CLIENT_SECRET = "TRUSTSTRAM_NODE_CLIENT_SECRET";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "The YAML configuration whose data the node trains on.")
  Path config;

  @Option(names = "--server", required = true, description = "The server's URL.")
  URI server;

  @Option(names = "--federation", required = true, description = "The federation's id.")
  String federation;

  @Option(names = "--node", required = true, description = "The node's id.")
  String node;

  @Option(
      names = "--partition",
      required = true,
      description = "Which of the configuration's partitions (0-based) this node holds.")
  int partition;

  @Option(
      names = "--secure-protocols",
      split = ",",
      paramLabel = "PROTOCOL",
      description =
          "The secure aggregation protocols this node takes part in (default: secagg+, secagg,"
              + " paillier); it sits out rounds of any other.")
  java.util.Set<String> secureProtocols = java.util.Set.of("secagg+", "secagg", "paillier");

  @Option(
      names = "--secure-min-clients",
      defaultValue = "2",
      description = "Sit out secure rounds run among fewer clients than this (default: 2).")
  int secureMinClients;

  @Option(
      names = "--secure-min-survivors",
      defaultValue = "2",
      description =
          "Sit out secure rounds that would reveal a sum of fewer inputs than this (default: 2).")
  int secureMinSurvivors;

  @Option(
      names = "--secure-min-threshold",
      defaultValue = "2",
      description =
          "Sit out SecAgg rounds whose secrets fewer than this many neighbours could rebuild"
              + " (default: 2).")
  int secureMinThreshold;

  @Option(
      names = "--secure-min-noise",
      defaultValue = "0",
      description =
          "Sit out SecAgg rounds with a distributed noise multiplier below this (default: 0).")
  double secureMinNoise;

  @Option(
      names = "--paillier-key",
      paramLabel = "SHA256",
      description =
          "A Paillier key fingerprint (as `fl paillier keygen` prints) this node encrypts to;"
              + " repeatable. Without one, the first key the federation shows is pinned.")
  java.util.Set<String> paillierKeys = java.util.Set.of();

  @Option(
      names = "--analyses",
      split = ",",
      paramLabel = "KIND",
      description =
          "The federated analyses this node answers with summaries of its rows: fairness,"
              + " importance (default: none; the node declines every analysis).")
  java.util.Set<String> analyses = java.util.Set.of();

  /**
   * The node's tokens from its credentials in {@link #CLIENT_ID} and {@link #CLIENT_SECRET}.
   *
   * @throws IllegalArgumentException when either is not set
   */
  static TokenSource nodeTokens(URI server) {
    String clientId = System.getenv(CLIENT_ID);
    String clientSecret = System.getenv(CLIENT_SECRET);
    if (clientId == null || clientSecret == null) {
      throw new IllegalArgumentException(
          "set " + CLIENT_ID + " and " + CLIENT_SECRET + " to the node's credentials");
    }
    return TokenSource.clientCredentials(server, clientId, clientSecret);
  }

  @Override
  public Integer call() throws Exception {
    TokenSource tokens = nodeTokens(server);
    io.truststram.federation.secagg.SecAggPolicy policy =
        new io.truststram.federation.secagg.SecAggPolicy(
            secureProtocols,
            secureMinClients,
            secureMinSurvivors,
            secureMinThreshold,
            secureMinNoise,
            paillierKeys);
    SimulationSetup setup = FlCommand.Simulate.read(config);
    SimulationSetup.Built built = setup.build(Path.of("").toAbsolutePath());
    if (partition < 0 || partition >= built.clients().size()) {
      throw new IllegalArgumentException(
          "--partition must be 0 to " + (built.clients().size() - 1));
    }
    LocalClient client = built.clients().get(partition);
    io.truststram.sdk.FederatedAnalyst analyst = NodeAnalysts.of(client, analyses);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "node %s: partition %d (%s), %d training examples%n",
        node, partition, client.id(), client.examples());
    out.flush();
    try (FederationNode running =
        FederationNode.builder(server, federation, node)
            .tokens(tokens)
            .client(client)
            .secureAggregationPolicy(policy)
            .analyst(
                analyst != null
                    ? analyst
                    : (task, model) -> {
                      throw new io.truststram.sdk.FederatedAnalyst.Declined(
                          "this node answers no analyses (fl node --analyses)");
                    })
            .events(
                event -> {
                  out.println(event.detail());
                  out.flush();
                })
            .build()) {
      Runtime.getRuntime().addShutdownHook(new Thread(running::close));
      FederationNode.Summary summary = running.run();
      out.printf(
          "node %s: %d rounds trained; federation %s%n",
          node, summary.roundsTrained(), summary.federationState());
      out.flush();
      return summary.federationState().equals("completed") ? 0 : 1;
    }
  }
}
