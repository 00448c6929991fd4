package io.truststram.federation.strategy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The registry of strategies by name: the built-in ones and those found on the classpath through
 * {@link StrategyFactory}'s service-provider interface.
 */
public final class Strategies {

  private final Map<String, StrategyFactory> factories = new TreeMap<>();

  private Strategies(List<StrategyFactory> builtIn, Iterable<StrategyFactory> discovered) {
    builtIn.forEach(this::register);
    discovered.forEach(this::register);
  }

  /** The built-in strategies and those the class loader of this class can find. */
  public static Strategies standard() {
    return new Strategies(
        builtIn(), ServiceLoader.load(StrategyFactory.class, Strategies.class.getClassLoader()));
  }

  private void register(StrategyFactory factory) {
    if (!factory.name().matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalStateException("strategy name must be lower case: " + factory.name());
    }
    if (factories.putIfAbsent(factory.name(), factory) != null) {
      throw new IllegalStateException("two strategies are named " + factory.name());
    }
  }

  /** The names known, sorted. */
  public List<String> names() {
    return List.copyOf(factories.keySet());
  }

  /**
   * A new strategy {@code name} with {@code parameters}.
   *
   * @throws IllegalArgumentException for an unknown name, an unknown parameter or an impossible
   *     value, with a message saying which
   */
  public Strategy create(String name, Map<String, String> parameters) {
    StrategyFactory factory = factories.get(name);
    if (factory == null) {
      throw new IllegalArgumentException(
          "unknown strategy '" + name + "'; known: " + String.join(", ", names()));
    }
    StrategyParameters read = new StrategyParameters(parameters);
    Strategy strategy = factory.create(read);
    if (!read.unread().isEmpty()) {
      throw new IllegalArgumentException(
          "strategy "
              + name
              + " has no parameter "
              + String.join(", ", new java.util.TreeSet<>(read.unread())));
    }
    return strategy;
  }

  private static List<StrategyFactory> builtIn() {
    return List.of(
        factory(
            "fedavg",
            p -> new FedAvg(p.sampling(), p.training(0), p.flag("keep-partial-work", false))),
        factory("fedprox", p -> new FedProx(p.sampling(), p.training(1.0))),
        factory("fednova", p -> new FedNova(p.sampling(), p.training(0))),
        factory(
            "fedavgm",
            p ->
                new FedAvgM(
                    p.sampling(),
                    p.training(0),
                    p.number("server-learning-rate", 1.0),
                    p.number("server-momentum", 0.9))),
        factory(
            "fedadagrad",
            p -> new FedOpt.FedAdagrad(p.sampling(), p.training(0), server(p, 0.1, 0.0))),
        factory(
            "fedadam", p -> new FedOpt.FedAdam(p.sampling(), p.training(0), server(p, 0.01, 0.99))),
        factory(
            "fedbuff",
            p ->
                new FedBuffStrategy(
                    p.training(0),
                    p.integer("buffer-size", 10),
                    p.number("server-learning-rate", 1.0),
                    p.integer("max-staleness", 4))),
        factory(
            "fedyogi", p -> new FedOpt.FedYogi(p.sampling(), p.training(0), server(p, 0.01, 0.99))),
        factory(
            "dp-fedavg",
            p -> {
              Sampling sampling = p.sampling();
              boolean adaptive = p.flag("adaptive-clipping", false);
              return new DpFedAvg(
                  sampling,
                  p.training(0),
                  new DpFedAvg.Settings(
                      p.number("clip-norm", adaptive ? 0.1 : 1.0),
                      p.number("noise-multiplier", 1.0),
                      adaptive,
                      p.number("target-quantile", 0.5),
                      p.number("clip-learning-rate", 0.2),
                      p.number("clip-count-stddev", Math.max(1, sampling.minClients() / 20.0))),
                  budget(p));
            }),
        factory("median", p -> new CoordinateMedian(p.sampling(), p.training(0))),
        factory(
            "trimmed-mean",
            p -> new TrimmedMean(p.sampling(), p.training(0), p.number("beta", 0.1))),
        factory(
            "krum",
            p -> {
              int f = p.integer("f", 1);
              return new Krum(tolerating(p, 2 * f + 3), p.training(0), f, p.integer("m", 1));
            }),
        factory(
            "bulyan",
            p -> {
              int f = p.integer("f", 1);
              return new Bulyan(tolerating(p, 4 * f + 3), p.training(0), f);
            }),
        factory(
            "norm-bounding",
            p -> new NormBounding(p.sampling(), p.training(0), p.number("max-norm", 1.0))),
        factory(
            "centered-clipping",
            p ->
                new CenteredClipping(
                    p.sampling(),
                    p.training(0),
                    p.number("radius", 1.0),
                    p.integer("iterations", 1))),
        factory(
            "geometric-median",
            p ->
                new GeometricMedian(
                    p.sampling(),
                    p.training(0),
                    p.integer("max-iterations", 100),
                    p.number("smoothing", 1e-6))));
  }

  /**
   * The sampling of an aggregator that needs at least {@code fewest} updates a round to tolerate f
   * Byzantine ones (Krum: 2f + 3, Bulyan: 4f + 3): by default every round waits for that many.
   */
  private static Sampling tolerating(StrategyParameters p, int fewest) {
    return new Sampling(p.number("fraction", 1.0), p.integer("min-clients", fewest));
  }

  /** dp-fedavg's budget: {@code target-epsilon} (none when absent) at {@code target-delta}. */
  private static DpFedAvg.@Nullable Budget budget(StrategyParameters p) {
    double epsilon = p.number("target-epsilon", 0);
    double delta = p.number("target-delta", 1e-5);
    return epsilon == 0 ? null : new DpFedAvg.Budget(epsilon, delta);
  }

  private static FedOpt.Server server(StrategyParameters p, double learningRate, double beta2) {
    return new FedOpt.Server(
        p.number("server-learning-rate", learningRate),
        p.number("beta1", 0.9),
        p.number("beta2", beta2),
        p.number("tau", 1e-3));
  }

  private static StrategyFactory factory(
      String name, java.util.function.Function<StrategyParameters, Strategy> create) {
    return new StrategyFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Strategy create(StrategyParameters parameters) {
        return create.apply(parameters);
      }
    };
  }
}
