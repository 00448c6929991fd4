package io.truststram.cli;

import io.truststram.federation.LocalClient;
import io.truststram.federation.simulation.Simulation;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
import io.truststram.ml.model.Provenance;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** {@code truststram fl}: federated learning. */
@Command(
    name = "fl",
    mixinStandardHelpOptions = true,
    description = "Federated learning.",
    subcommands = {
      FlCommand.Simulate.class,
      FlRunCommand.class,
      FlNodeCommand.class,
      FlAnalyzeCommand.class,
      FlPaillierCommand.class
    })
final class FlCommand extends CommandGroup {

  @Command(
      name = "simulate",
      mixinStandardHelpOptions = true,
      description = {
        "Run a federation in this process, as a configuration file describes it (data set,"
            + " partition, model, strategy, rounds, stragglers, dropouts), printing each round.",
        "Examples: examples/federation/*.yaml"
      })
  static final class Simulate implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The simulation's YAML configuration.")
    Path config;

    @Option(names = "--json", description = "Print one JSON object per round, and a summary.")
    boolean json;

    @Option(names = "--metrics", description = "Also write every round's metrics to this CSV file.")
    Path metrics;

    @Option(
        names = "--model",
        description =
            "Write the final model to this safetensors file, its provenance in the metadata.")
    Path model;

    @Option(names = "--rounds", description = "Override the configuration's number of rounds.")
    Integer rounds;

    @Override
    public Integer call() throws IOException {
      SimulationSetup setup = read(config);
      if (rounds != null) {
        setup =
            new SimulationSetup(
                setup.name(),
                setup.data(),
                setup.model(),
                setup.strategy(),
                rounds,
                setup.stragglers(),
                setup.dropout(),
                setup.evaluateEvery(),
                setup.seed(),
                setup.secureAggregation(),
                setup.attack());
      }
      SimulationSetup.Built built = setup.build(Path.of("").toAbsolutePath());
      if (built.clients().isEmpty()) {
        throw new IllegalArgumentException("the configuration gives no clients");
      }
      Strategy strategy =
          Strategies.standard().create(setup.strategy().name(), setup.strategy().textParameters());
      if (io.truststram.federation.strategy.Wrapper.find(
              strategy, io.truststram.federation.strategy.TrustWeighted.class)
          .filter(io.truststram.federation.strategy.TrustWeighted::externalTrust)
          .isPresent()) {
        throw new IllegalArgumentException(
            "trust-source: service takes trust from a server's trust service; a simulation has"
                + " none (use fl run, or trust-source: strategy)");
      }
      io.truststram.federation.secagg.SecureAggregation secure =
          setup.secureAggregation() == null ? null : setup.secureAggregation().build();
      java.util.Set<String> malicious =
          setup.attack() == null ? java.util.Set.of() : setup.attack().malicious(built.clients());
      io.truststram.federation.simulation.Adversary adversary =
          setup.attack() == null
              ? io.truststram.federation.simulation.Adversary.none()
              : setup.attack().adversary(built.clients().size(), malicious.size(), setup.seed());
      PrintWriter out = spec.commandLine().getOut();
      if (!json) {
        out.printf(
            Locale.ROOT,
            "%s: %s, %d clients%s, %s%s, %d rounds%n",
            setup.name(),
            built.classifier().describe(),
            built.clients().size(),
            malicious.isEmpty()
                ? ""
                : " (" + malicious.size() + " attacking: " + setup.attack().kind() + ")",
            strategy.name(),
            secure == null ? "" : " under " + secure.protocol(),
            setup.rounds());
      }
      PrintWriter csv = metrics == null ? null : new PrintWriter(Files.newBufferedWriter(metrics));
      if (csv != null) {
        csv.println(
            "round,selected,aggregated,stragglers,dropped,train_loss,test_loss,test_accuracy,millis");
      }
      Simulation.Result result;
      try {
        int total = setup.rounds();
        result =
            Simulation.run(
                strategy,
                built.clients(),
                built.classifier().initialParameters(setup.seed()),
                new Simulation.Config(
                    setup.rounds(),
                    setup.stragglers(),
                    setup.dropout(),
                    setup.evaluateEvery() == null ? 1 : setup.evaluateEvery(),
                    setup.seed()),
                adversary,
                malicious,
                secure,
                round -> {
                  if (json) {
                    out.println(JSON.writeValueAsString(round));
                  } else {
                    out.printf(
                        Locale.ROOT,
                        "round %d/%d  clients %d (folded %d, stragglers %d, dropped %d)  train loss %s"
                            + "  test accuracy %s  %d ms%s%n",
                        round.round(),
                        total,
                        round.selected(),
                        round.aggregated(),
                        round.stragglers(),
                        round.dropped(),
                        number(round.trainLoss()),
                        number(round.testAccuracy()),
                        round.millis(),
                        secure == null ? "" : "  clipped " + round.clippedValues());
                  }
                  out.flush();
                  if (csv != null) {
                    csv.printf(
                        Locale.ROOT,
                        "%d,%d,%d,%d,%d,%s,%s,%s,%d%n",
                        round.round(),
                        round.selected(),
                        round.aggregated(),
                        round.stragglers(),
                        round.dropped(),
                        round.trainLoss(),
                        round.testLoss(),
                        round.testAccuracy(),
                        round.millis());
                  }
                });
      } finally {
        if (csv != null) {
          csv.close();
        }
      }
      Map<String, String> provenance = provenance(setup, built, strategy);
      if (model != null) {
        try (OutputStream file = Files.newOutputStream(model)) {
          SafeTensors.write(
              file,
              List.of(
                  Tensor.ofFloats(
                      "parameters", new long[] {result.parameters().length}, result.parameters())),
              provenance);
        }
      }
      Simulation.Round last = result.rounds().getLast();
      if (json) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", setup.name());
        summary.put("rounds", setup.rounds());
        summary.put("trainLoss", last.trainLoss());
        summary.put("testAccuracy", last.testAccuracy());
        summary.put("provenance", provenance);
        out.println(JSON.writeValueAsString(Map.of("summary", summary)));
      } else {
        out.printf(
            Locale.ROOT,
            "done: train loss %s, test accuracy %s%s%n",
            number(last.trainLoss()),
            number(last.testAccuracy()),
            model == null ? "" : "; model and provenance in " + model);
      }
      out.flush();
      return 0;
    }

    private static Map<String, String> provenance(
        SimulationSetup setup, SimulationSetup.Built built, Strategy strategy) {
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("format", "truststram");
      metadata.put("model", built.classifier().describe());
      if (!built.featureNames().isEmpty()) {
        metadata.put("features", JSON.writeValueAsString(built.featureNames()));
      }
      metadata.put("strategy", strategy.name());
      metadata.put(
          "strategy_parameters", JSON.writeValueAsString(setup.strategy().textParameters()));
      metadata.put("seed", Long.toString(setup.seed()));
      metadata.put("rounds", Integer.toString(setup.rounds()));
      metadata.put("code_version", Provenance.currentCodeVersion());
      Map<String, String> hashes = new LinkedHashMap<>();
      for (LocalClient client : built.clients()) {
        hashes.put(client.id(), client.trainingDataHash());
      }
      metadata.put("data_hashes", JSON.writeValueAsString(hashes));
      return metadata;
    }

    /** A metric as the progress lines show it: four decimals, or a dash when there is none. */
    static String number(@org.jspecify.annotations.Nullable Double value) {
      return value == null || value.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    static SimulationSetup read(Path file) throws IOException {
      YAMLMapper yaml =
          YAMLMapper.builder()
              .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
              .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
              .build();
      if (!Files.isRegularFile(file)) {
        throw new IOException("no configuration file " + file);
      }
      try {
        return yaml.readValue(file.toFile(), SimulationSetup.class);
      } catch (JacksonException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException invalid) {
          throw new IllegalArgumentException(file + ": " + invalid.getMessage());
        }
        throw new IllegalArgumentException(file + ": " + e.getOriginalMessage());
      }
    }
  }
}
