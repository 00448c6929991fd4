package io.truststram.cli;

import io.truststram.federation.LocalClient;
import io.truststram.ml.data.AdultDataset;
import io.truststram.ml.data.Dataset;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.Classifiers;
import io.truststram.ml.partition.Partitions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A simulation's configuration file ({@code examples/federation/*.yaml}) and what it builds: the
 * data, split among clients, the model, and the strategy's parameters.
 *
 * @param name a label for the run
 * @param data where the clients' data comes from and how it is split
 * @param model the classifier
 * @param strategy the strategy's registry name and parameters
 * @param rounds how many rounds
 * @param stragglers the share of each round's clients that straggle
 * @param dropout the probability that a chosen client never reports
 * @param evaluateEvery evaluate every this many rounds (default 1)
 * @param seed the seed of every random choice
 * @param secureAggregation secure aggregation of each round's updates, or null
 * @param attack attackers among the clients, or null for none
 */
record SimulationSetup(
    String name,
    Data data,
    Model model,
    StrategySpec strategy,
    int rounds,
    double stragglers,
    double dropout,
    @Nullable Integer evaluateEvery,
    long seed,
    @Nullable SecureAggregationSpec secureAggregation,
    @Nullable AttackSpec attack) {

  /**
   * Attackers among the clients, as the robustness benchmarks simulate them.
   *
   * @param kind the attack ({@code sign-flip}, {@code scaling}, {@code gaussian}, {@code alie},
   *     {@code ipm}, {@code label-flip}, {@code backdoor}, {@code min-max}, {@code min-sum})
   * @param fraction the share of clients that attack, in [0, 1)
   */
  record AttackSpec(String kind, double fraction) {

    AttackSpec {
      require(kind != null && !kind.isBlank(), "attack.kind is required");
      require(fraction >= 0 && fraction < 1, "attack.fraction lies in [0, 1)");
    }

    /**
     * The attacking clients: the share of them spread evenly over the list (client k·n/m for k <
     * m), as the robustness benchmarks choose them, so that non-IID partitions do not put every
     * attacker on one kind of data.
     */
    java.util.Set<String> malicious(List<LocalClient> clients) {
      int n = clients.size();
      int count = (int) Math.round(fraction * n);
      java.util.Set<String> out = new java.util.LinkedHashSet<>();
      for (int k = 0; k < count; k++) {
        out.add(clients.get(k * n / count).id());
      }
      return out;
    }

    io.truststram.federation.simulation.Adversary adversary(int clients, int malicious, long seed) {
      return io.truststram.federation.simulation.Attacks.named(kind, clients, malicious, seed);
    }
  }

  /**
   * Secure aggregation, as the API's {@code secureAggregation}: the protocol ({@code secagg+} or
   * {@code secagg}) and its settings without the {@code secagg.} prefix.
   */
  record SecureAggregationSpec(String protocol, @Nullable Map<String, Object> parameters) {
    /** The settings as text, as the API takes them. */
    Map<String, String> textParameters() {
      Map<String, String> out = new LinkedHashMap<>();
      if (parameters != null) {
        parameters.forEach((key, value) -> out.put(key, String.valueOf(value)));
      }
      return out;
    }

    io.truststram.federation.secagg.SecureAggregation build() {
      Map<String, String> all = new LinkedHashMap<>();
      all.put(io.truststram.federation.secagg.SecureAggregation.KEY, protocol);
      textParameters()
          .forEach(
              (key, value) ->
                  all.put(io.truststram.federation.secagg.SecureAggregation.PREFIX + key, value));
      return io.truststram.federation.secagg.SecureAggregation.from(all).orElseThrow();
    }
  }

  /**
   * The clients' data.
   *
   * @param kind {@code synthetic}, {@code synthetic-iid} or {@code adult}
   * @param alpha Synthetic's α
   * @param beta Synthetic's β
   * @param devices how many Synthetic devices (clients)
   * @param path Adult's directory (default {@code data/datasets/adult})
   * @param partition how Adult's rows are split among clients
   */
  record Data(
      String kind,
      @Nullable Double alpha,
      @Nullable Double beta,
      @Nullable Integer devices,
      @Nullable String path,
      @Nullable Partition partition) {}

  /**
   * How rows are split among clients.
   *
   * @param kind {@code iid}, {@code dirichlet}, {@code quantity} or {@code by-column}
   * @param clients how many clients (for {@code by-column}, the most)
   * @param alpha Dirichlet's α
   * @param sigma the log-normal σ of quantity skew
   * @param column the column of the natural split, e.g. {@code native-country}
   * @param minRows the fewest rows a client gets (Dirichlet and quantity skew)
   */
  record Partition(
      String kind,
      int clients,
      @Nullable Double alpha,
      @Nullable Double sigma,
      @Nullable String column,
      @Nullable Integer minRows) {}

  /**
   * The classifier.
   *
   * @param kind {@code logistic}, {@code softmax} or {@code mlp}
   * @param hidden the MLP's hidden layer sizes
   */
  record Model(String kind, @Nullable List<Integer> hidden) {}

  /**
   * The strategy.
   *
   * @param name its registry name
   * @param parameters its parameters
   */
  record StrategySpec(String name, @Nullable Map<String, Object> parameters) {
    Map<String, String> textParameters() {
      Map<String, String> text = new LinkedHashMap<>();
      if (parameters != null) {
        parameters.forEach((key, value) -> text.put(key, String.valueOf(value)));
      }
      return text;
    }
  }

  SimulationSetup {
    require(name != null && !name.isBlank(), "name is required");
    require(data != null && data.kind() != null, "data.kind is required");
    require(model != null && model.kind() != null, "model.kind is required");
    require(strategy != null && strategy.name() != null, "strategy.name is required");
    require(rounds >= 1, "rounds must be at least 1");
  }

  /** The model and the clients, each with its training and test data. */
  /**
   * The model and its clients.
   *
   * @param featureNames the model's input names, where the data has them (Adult's encoded columns),
   *     else empty
   */
  record Built(Classifier classifier, List<LocalClient> clients, List<String> featureNames) {}

  /** Builds the clients; relative paths resolve against {@code baseDirectory}. */
  Built build(Path baseDirectory) throws IOException {
    List<LocalClient> clients = new ArrayList<>();
    Classifier classifier;
    List<String> featureNames = List.of();
    switch (data.kind()) {
      case "synthetic", "synthetic-iid" -> {
        int devices = data.devices() == null ? 30 : data.devices();
        classifier = classifier(Synthetic.DIMENSION, Synthetic.CLASSES);
        List<Synthetic.Device> generated =
            data.kind().equals("synthetic")
                ? Synthetic.generate(
                    data.alpha() == null ? 1 : data.alpha(),
                    data.beta() == null ? 1 : data.beta(),
                    devices,
                    seed)
                : Synthetic.generateIid(devices, seed);
        for (int k = 0; k < generated.size(); k++) {
          clients.add(
              new LocalClient(
                  "device-" + k, classifier, generated.get(k).train(), generated.get(k).test()));
        }
      }
      case "adult" -> {
        Path path =
            baseDirectory.resolve(data.path() == null ? "data/datasets/adult" : data.path());
        AdultDataset.Split adult;
        try {
          adult = AdultDataset.load(path);
        } catch (java.nio.file.NoSuchFileException e) {
          throw new IOException(
              "no Adult data in "
                  + path
                  + "; run 'truststram datasets fetch adult' or set data.path");
        }
        classifier = classifier(adult.train().columns(), adult.train().classes());
        featureNames = adult.encoder().featureNames();
        Partition partition = data.partition();
        require(partition != null, "data.partition is required for adult");
        if (partition.kind().equals("by-column")) {
          require(partition.column() != null, "data.partition.column is required for by-column");
          clients.addAll(
              LocalClient.byColumn(adult, partition.column(), partition.clients(), classifier));
        } else {
          List<int[]> train = split(adult.train(), partition);
          List<int[]> test = Partitions.iid(adult.test().rows(), train.size(), seed + 1);
          for (int k = 0; k < train.size(); k++) {
            clients.add(
                new LocalClient(
                    "client-" + k,
                    classifier,
                    adult.train().subset(train.get(k)),
                    adult.test().subset(test.get(k))));
          }
        }
      }
      default ->
          throw new IllegalArgumentException(
              "data.kind must be synthetic, synthetic-iid or adult: " + data.kind());
    }
    return new Built(classifier, clients, featureNames);
  }

  private List<int[]> split(Dataset train, Partition partition) {
    int minRows = partition.minRows() == null ? 10 : partition.minRows();
    return switch (partition.kind()) {
      case "iid" -> Partitions.iid(train.rows(), partition.clients(), seed);
      case "dirichlet" ->
          Partitions.dirichletLabelSkew(
              train.labels(),
              train.classes(),
              partition.clients(),
              partition.alpha() == null ? 0.5 : partition.alpha(),
              minRows,
              seed);
      case "quantity" ->
          Partitions.quantitySkew(
              train.rows(),
              partition.clients(),
              partition.sigma() == null ? 1.0 : partition.sigma(),
              minRows,
              seed);
      default ->
          throw new IllegalArgumentException(
              "data.partition.kind must be iid, dirichlet, quantity or by-column: "
                  + partition.kind());
    };
  }

  /** The classifier for data of {@code inputs} features and {@code classes} classes. */
  Classifier classifier(int inputs, int classes) {
    List<Integer> hidden =
        model.hidden() != null
            ? model.hidden()
            : model.kind().equals("mlp") ? List.of(64) : List.of();
    return Classifiers.create(model.kind(), inputs, classes, hidden);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
