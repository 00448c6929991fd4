package io.truststram.cli;

import io.truststram.federation.LocalClient;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram fl run}: creates a federation on a running server from a simulation
 * configuration, registers N client nodes, starts it, and runs each node as its own process ({@code
 * truststram fl node}) training on its partition over HTTP, printing each round as the server
 * reports it.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Train a federation on a running server with N local client processes, each a node training"
          + " on its own partition of the configuration's data over HTTP.",
      "Sign in first with 'truststram login'. Example: truststram fl run"
          + " examples/federation/fedavg-adult-by-country.yaml --clients 4"
    })
final class FlRunCommand implements Callable<Integer> {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "The federation's YAML configuration (as for simulate).")
  Path config;

  @Option(names = "--clients", required = true, description = "How many client processes.")
  int clients;

  @Option(names = "--rounds", description = "Override the configuration's number of rounds.")
  Integer rounds;

  @Option(
      names = "--round-timeout",
      defaultValue = "300",
      description = "Seconds a round waits for its updates (default ${DEFAULT-VALUE}).")
  int roundTimeout;

  @Option(names = "--name", description = "The federation's name (default: config name + time).")
  String name;

  @Option(names = "--model", description = "Write the final model (safetensors) to this file.")
  Path model;

  @Option(names = "--json", description = "Print one JSON object per round, and a summary.")
  boolean json;

  @Option(
      names = "--logs",
      description = "Where the node processes' logs go (default data/fl-run/<federation id>).")
  Path logs;

  @Option(
      names = "--analysis",
      paramLabel = "KIND=SPEC.json",
      description =
          "A federated analysis of the final model (fairness or importance) whose spec is in the"
              + " JSON file; repeatable. The nodes answer it with summaries of their rows, and the"
              + " result is printed after training. See docs/federation/analytics.md.")
  Map<String, Path> analyses = new LinkedHashMap<>();

  @Option(names = "--config-dir", hidden = true)
  Path configDir;

  @Override
  public Integer call() throws Exception {
    if (clients < 1 || clients > 256) {
      throw new IllegalArgumentException("--clients must be 1 to 256");
    }
    Map<String, Map<String, Object>> analysisSpecs = new LinkedHashMap<>();
    for (Map.Entry<String, Path> analysis : analyses.entrySet()) {
      if (!NodeAnalysts.KINDS.contains(analysis.getKey())) {
        throw new IllegalArgumentException(
            "--analysis takes " + NodeAnalysts.KINDS + ", not '" + analysis.getKey() + "'");
      }
      analysisSpecs.put(analysis.getKey(), FlAnalyzeCommand.readSpec(analysis.getValue()));
    }
    SimulationSetup setup = FlCommand.Simulate.read(config);
    SimulationSetup.Built built = setup.build(Path.of("").toAbsolutePath());
    if (clients > built.clients().size()) {
      throw new IllegalArgumentException(
          "the configuration gives "
              + built.clients().size()
              + " partitions; --clients must not exceed that");
    }
    LoginCommand.Credentials credentials =
        LoginCommand.Credentials.load(LoginCommand.Credentials.directory(configDir));
    URI server = URI.create(credentials.server());
    TrustStramApi api =
        TrustStramApi.connect(server, TokenSource.bearer(credentials.accessToken()));
    PrintWriter out = spec.commandLine().getOut();

    Map<String, String> parameters = new LinkedHashMap<>(setup.strategy().textParameters());
    double fraction = Double.parseDouble(parameters.getOrDefault("fraction", "1"));
    parameters.remove("fraction");
    int perRound = Math.max(1, Math.min(clients, (int) Math.ceil(fraction * clients)));
    int minClients =
        Math.min(perRound, Integer.parseInt(parameters.getOrDefault("min-clients", "1")));
    parameters.remove("min-clients");
    int totalRounds = rounds == null ? setup.rounds() : rounds;
    List<Integer> hidden =
        setup.model().hidden() != null
            ? setup.model().hidden()
            : setup.model().kind().equals("mlp") ? List.of(64) : List.of();
    String federationName =
        name != null
            ? name
            : setup.name()
                + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    var federationSpec =
        new TrustStramApi.FederationSpec(
            federationName,
            setup.model().kind(),
            built.classifier().inputs(),
            built.classifier().classes(),
            hidden,
            setup.strategy().name(),
            parameters,
            totalRounds,
            perRound,
            minClients,
            roundTimeout,
            setup.seed());
    var secure = setup.secureAggregation();
    var federation =
        secure == null
            ? api.createFederation(federationSpec)
            : api.createFederation(federationSpec, secure.protocol(), secure.textParameters());
    if (!json) {
      out.printf(
          Locale.ROOT,
          "federation %s (%s): %s, %s, %d rounds, %d of %d nodes per round%n",
          federationName,
          federation.id(),
          built.classifier().describe(),
          setup.strategy().name(),
          totalRounds,
          perRound,
          clients);
      if (clients < built.clients().size()) {
        out.printf(
            Locale.ROOT,
            "using the first %d of the configuration's %d partitions%n",
            clients,
            built.clients().size());
      }
      if (setup.stragglers() > 0 || setup.dropout() > 0) {
        out.println("note: stragglers and dropout are simulated only; real nodes run as they are");
      }
      out.flush();
    }
    Path logs =
        Files.createDirectories(
            this.logs != null ? this.logs : Path.of("data", "fl-run", federation.id()));
    List<Process> processes = new ArrayList<>();
    List<TrustStramApi.Analysis> requested = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> analysis : analysisSpecs.entrySet()) {
      requested.add(
          api.requestAnalysis(federation.id(), analysis.getKey(), analysis.getValue(), null));
    }
    try {
      List<String> nodeIds = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        LocalClient client = built.clients().get(i);
        var node =
            api.registerNode(federation.id(), "node-" + i + "-" + client.id(), client.examples());
        nodeIds.add(node.nodeId());
        processes.add(
            startNode(server, federation.id(), node, i, logs.resolve("node-" + i + ".log")));
      }
      awaitNodes(processes, nodeIds, logs);
      api.start(federation.id());
      int printed = 0;
      TrustStramApi.Federation state = api.federation(federation.id());
      java.util.Set<Integer> reported = new java.util.HashSet<>();
      while (!state.ended()) {
        Thread.sleep(1000);
        printed = printRounds(api, federation.id(), printed, totalRounds, out);
        state = api.federation(federation.id());
        // A node that dies is a dropout the coordinator tolerates down to minClients; below
        // that no round can complete, and the run stops with the logs' place.
        int failed = 0;
        for (int i = 0; i < processes.size(); i++) {
          Process process = processes.get(i);
          if (!process.isAlive() && process.exitValue() != 0 && !state.ended()) {
            failed++;
            if (reported.add(i)) {
              spec.commandLine()
                  .getErr()
                  .printf(
                      Locale.ROOT,
                      "node %d exited with %d; the federation goes on without it (its log: %s)%n",
                      i,
                      process.exitValue(),
                      logs.resolve("node-" + i + ".log").toAbsolutePath());
              spec.commandLine().getErr().flush();
            }
          }
        }
        if (processes.size() - failed < minClients && !state.ended()) {
          throw new IOException(
              failed
                  + " node processes exited, fewer than minClients ("
                  + minClients
                  + ") are left; their logs are in "
                  + logs.toAbsolutePath());
        }
      }
      printRounds(api, federation.id(), printed, totalRounds, out);
      for (Process process : processes) {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroy();
        }
      }
      for (TrustStramApi.Analysis analysis : requested) {
        FlAnalyzeCommand.print(
            FlAnalyzeCommand.await(api, federation.id(), analysis.id(), 60), json, out);
      }
      if (model != null && state.state().equals("completed")) {
        Files.write(model, api.modelFile(federation.id(), "latest"));
      }
      Map<String, String> provenance =
          state.state().equals("completed") ? api.provenance(federation.id()) : Map.of();
      if (json) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("federation", federation.id());
        summary.put("state", state.state());
        summary.put("modelSha256", state.modelSha256());
        summary.put("failure", state.failure());
        summary.put("provenance", provenance);
        out.println(JSON.writeValueAsString(Map.of("summary", summary)));
      } else {
        out.printf(
            Locale.ROOT,
            "%s: %s%s%n",
            state.state(),
            state.state().equals("completed")
                ? "model sha256 " + state.modelSha256()
                : state.failure(),
            model == null ? "" : "; model in " + model);
        out.println("node logs: " + logs.toAbsolutePath());
      }
      out.flush();
      return state.state().equals("completed") ? 0 : 1;
    } finally {
      for (Process process : processes) {
        if (process.isAlive()) {
          process.destroy();
        }
      }
    }
  }

  private int printRounds(
      TrustStramApi api, String federation, int printed, int total, PrintWriter out)
      throws IOException {
    int last = printed;
    for (TrustStramApi.Round round : api.rounds(federation)) {
      if (round.round() <= printed || !round.state().equals("completed")) {
        continue;
      }
      if (json) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("round", round.round());
        line.put("updates", round.updates());
        line.put("examples", round.examples());
        line.put("metrics", round.metrics());
        out.println(JSON.writeValueAsString(line));
      } else {
        out.printf(
            Locale.ROOT,
            "round %d/%d  updates %d  train loss %s  eval loss %s  eval accuracy %s%n",
            round.round(),
            total,
            round.updates(),
            FlCommand.Simulate.number(round.metrics().get("train.loss")),
            FlCommand.Simulate.number(round.metrics().get("evaluate.loss")),
            FlCommand.Simulate.number(round.metrics().get("evaluate.accuracy")));
      }
      last = Math.max(last, round.round());
    }
    out.flush();
    return last;
  }

  /** How long the node processes get to start before the federation starts without the rest. */
  static final Duration NODE_START = Duration.ofMinutes(2);

  /**
   * Waits until every node process has started (its log names its partition; it polls for tasks
   * right after), so that the first round does not open with the nodes that happened to start
   * first; after {@link #NODE_START}, or once a process has exited, goes on with those that are up.
   */
  private void awaitNodes(List<Process> processes, List<String> nodeIds, Path logs)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + NODE_START.toNanos();
    java.util.Set<Integer> up = new java.util.HashSet<>();
    while (up.size() < processes.size()) {
      for (int i = 0; i < processes.size(); i++) {
        Path log = logs.resolve("node-" + i + ".log");
        if (!up.contains(i)
            && Files.exists(log)
            && Files.readString(log).contains("node " + nodeIds.get(i) + ": partition")) {
          up.add(i);
        }
      }
      boolean exited = processes.stream().anyMatch(p -> !p.isAlive());
      if (up.size() < processes.size() && (exited || System.nanoTime() > deadline)) {
        spec.commandLine()
            .getErr()
            .printf(
                Locale.ROOT,
                "%d of %d node processes started; the federation starts with them (logs: %s)%n",
                up.size(),
                processes.size(),
                logs.toAbsolutePath());
        spec.commandLine().getErr().flush();
        return;
      }
      Thread.sleep(100);
    }
  }

  private Process startNode(
      URI server, String federation, TrustStramApi.NodeCredentials node, int partition, Path log)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TrustStramCli.class.getName());
    command.add("fl");
    command.add("node");
    command.add(config.toAbsolutePath().toString());
    command.add("--server=" + server);
    command.add("--federation=" + federation);
    command.add("--node=" + node.nodeId());
    command.add("--partition=" + partition);
    if (!analyses.isEmpty()) {
      command.add("--analyses=" + String.join(",", analyses.keySet()));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = new HashMap<>();
    env.put(FlNodeCommand.CLIENT_ID, node.clientId());
    env.put(FlNodeCommand.CLIENT_SECRET, node.clientSecret());
    builder.environment().putAll(env);
    return builder.start();
  }
}
