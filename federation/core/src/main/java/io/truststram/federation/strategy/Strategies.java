package io.truststram.federation.strategy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The registry of strategies by name: the built-in ones and those found on the classpath through
 * {@link StrategyFactory}'s service-provider interface.
 */
public final class Strategies {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern WRAPPED = Pattern.compile("([a-z0-9][a-z0-9-]{0,62})\\((.*)\\)");

  private final Map<String, StrategyFactory> factories = new TreeMap<>();
  private final Map<String, WrapperFactory> wrappers = new TreeMap<>();

  private Strategies(
      List<StrategyFactory> builtIn,
      Iterable<StrategyFactory> discovered,
      List<WrapperFactory> builtInWrappers,
      Iterable<WrapperFactory> discoveredWrappers) {
    builtIn.forEach(this::register);
    discovered.forEach(this::register);
    builtInWrappers.forEach(this::register);
    discoveredWrappers.forEach(this::register);
  }

  /** The built-in strategies and wrappers and those the class loader of this class can find. */
  public static Strategies standard() {
    ClassLoader loader = Strategies.class.getClassLoader();
    return new Strategies(
        builtIn(),
        ServiceLoader.load(StrategyFactory.class, loader),
        builtInWrappers(),
        ServiceLoader.load(WrapperFactory.class, loader));
  }

  private void register(StrategyFactory factory) {
    checkName(factory.name());
    if (factories.putIfAbsent(factory.name(), factory) != null) {
      throw new IllegalStateException("two strategies are named " + factory.name());
    }
  }

  private void register(WrapperFactory factory) {
    checkName(factory.name());
    if (factories.containsKey(factory.name())
        || wrappers.putIfAbsent(factory.name(), factory) != null) {
      throw new IllegalStateException("two strategies or wrappers are named " + factory.name());
    }
  }

  private static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalStateException("strategy name must be lower case: " + name);
    }
  }

  /** The strategy names known, sorted. */
  public List<String> names() {
    return List.copyOf(factories.keySet());
  }

  /** The wrapper names known, sorted. */
  public List<String> wrapperNames() {
    return List.copyOf(wrappers.keySet());
  }

  /**
   * A new strategy {@code name} with {@code parameters}. A name is a strategy's, or wrappers around
   * one written as calls: {@code dp(detect(krum))} is Krum inside attack detection inside
   * differential privacy. Every layer reads its own parameters from the one map.
   *
   * @throws IllegalArgumentException for an unknown name, an unknown parameter or an impossible
   *     value, with a message saying which
   */
  public Strategy create(String name, Map<String, String> parameters) {
    StrategyParameters read = new StrategyParameters(parameters);
    Strategy strategy = build(name.replace(" ", ""), read, 0);
    if (!read.unread().isEmpty()) {
      throw new IllegalArgumentException(
          "strategy "
              + name
              + " has no parameter "
              + String.join(", ", new java.util.TreeSet<>(read.unread())));
    }
    return strategy;
  }

  private Strategy build(String name, StrategyParameters parameters, int depth) {
    Matcher wrapped = WRAPPED.matcher(name);
    if (wrapped.matches()) {
      WrapperFactory wrapper = wrappers.get(wrapped.group(1));
      if (wrapper == null) {
        throw new IllegalArgumentException(
            "unknown wrapper '"
                + wrapped.group(1)
                + "'; known: "
                + String.join(", ", wrapperNames()));
      }
      if (depth >= 8) {
        throw new IllegalArgumentException("wrappers nest at most 8 deep: " + name);
      }
      return wrapper.wrap(build(wrapped.group(2), parameters, depth + 1), parameters);
    }
    StrategyFactory factory = factories.get(name);
    if (factory == null) {
      if (wrappers.containsKey(name)) {
        throw new IllegalArgumentException(
            "'" + name + "' wraps a strategy: write it around one, e.g. " + name + "(fedavg)");
      }
      throw new IllegalArgumentException(
          "unknown strategy '"
              + name
              + "'; known: "
              + String.join(", ", names())
              + "; wrappers: "
              + String.join(", ", wrapperNames()));
    }
    return factory.create(parameters);
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
            p ->
                new DifferentialPrivacy(
                    new FedAvg(p.sampling(), p.training(0)),
                    privacy(p),
                    clipping(p),
                    budget(p),
                    new java.security.SecureRandom(),
                    "dp-fedavg")),
        factory(
            "fltrust",
            p -> {
              throw new IllegalArgumentException(
                  "fltrust needs a root data set on the server, which a coordinator does not hold;"
                      + " it runs in simulation (FlTrust with a root sample)");
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

  private static List<WrapperFactory> builtInWrappers() {
    return List.of(
        wrapper(
            "dp", (inner, p) -> new DifferentialPrivacy(inner, privacy(p), clipping(p), budget(p))),
        wrapper(
            "ldp",
            (inner, p) ->
                new LocalDifferentialPrivacy(
                    inner,
                    p.number("local-epsilon", 1.0),
                    p.number("local-delta", 1e-5),
                    p.number("clip-norm", 1.0))),
        wrapper(
            "dpsgd",
            (inner, p) ->
                new DpSgd(
                    inner,
                    p.number("example-clip-norm", 1.0),
                    p.number("example-noise-multiplier", 1.0))),
        wrapper(
            "bucket",
            (inner, p) -> {
              int seed = p.integer("bucket-seed", 0);
              return new Bucketing(
                  inner,
                  p.integer("bucket-size", 2),
                  seed == 0 ? new java.security.SecureRandom() : new java.util.Random(seed));
            }),
        wrapper(
            "trust",
            (inner, p) ->
                new TrustWeighted(
                    inner,
                    p.number("trust-floor", 0.1),
                    p.number("trust-minimum", 0.3),
                    p.number("trust-penalty", 1),
                    p.number("trust-forgetting", 0.9),
                    p.flag("trust-selection", true),
                    trustSource(p.text("trust-source", "strategy")))),
        wrapper(
            "detect",
            (inner, p) ->
                new AnomalyDetection(
                    inner,
                    p.number("anomaly-threshold", 3.5),
                    p.number("min-cosine", -2),
                    p.integer("quarantine-after", 0),
                    p.flag("exclude-flagged", false),
                    p.flag("anomaly-per-step", false))));
  }

  /** Whether {@code trust-source} names the trust service (else the strategy's own reputations). */
  private static boolean trustSource(String source) {
    return switch (source) {
      case "strategy" -> false;
      case "service" -> true;
      default ->
          throw new IllegalArgumentException(
              "trust-source is strategy or service, not '" + source + "'");
    };
  }

  /** The settings of dp and dp-fedavg. */
  private static DifferentialPrivacy.Settings privacy(StrategyParameters p) {
    boolean adaptive = p.flag("adaptive-clipping", false);
    int minClients = p.integer("min-clients", 2);
    return new DifferentialPrivacy.Settings(
        p.number("clip-norm", adaptive ? 0.1 : 1.0),
        p.number("noise-multiplier", 1.0),
        adaptive,
        p.number("target-quantile", 0.5),
        p.number("clip-learning-rate", 0.2),
        p.number("clip-count-stddev", Math.max(1, minClients / 20.0)));
  }

  private static DifferentialPrivacy.Clipping clipping(StrategyParameters p) {
    return DifferentialPrivacy.Clipping.parse(p.text("clipping", "server"));
  }

  /** dp-fedavg's budget: {@code target-epsilon} (none when absent) at {@code target-delta}. */
  private static DifferentialPrivacy.@Nullable Budget budget(StrategyParameters p) {
    double epsilon = p.number("target-epsilon", 0);
    double delta = p.number("target-delta", 1e-5);
    return epsilon == 0 ? null : new DifferentialPrivacy.Budget(epsilon, delta);
  }

  private static FedOpt.Server server(StrategyParameters p, double learningRate, double beta2) {
    return new FedOpt.Server(
        p.number("server-learning-rate", learningRate),
        p.number("beta1", 0.9),
        p.number("beta2", beta2),
        p.number("tau", 1e-3));
  }

  private static WrapperFactory wrapper(
      String name, java.util.function.BiFunction<Strategy, StrategyParameters, Strategy> wrap) {
    return new WrapperFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Strategy wrap(Strategy inner, StrategyParameters parameters) {
        return wrap.apply(inner, parameters);
      }
    };
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
