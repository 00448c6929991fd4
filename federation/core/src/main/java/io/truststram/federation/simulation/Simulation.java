package io.truststram.federation.simulation;

import io.truststram.federation.FederatedClient;
import io.truststram.federation.LocalClient;
import io.truststram.federation.strategy.ClientProfile;
import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.LocalTraining;
import io.truststram.federation.strategy.RejectedUpdateException;
import io.truststram.federation.strategy.RoundAggregation;
import io.truststram.federation.strategy.Strategy;
import io.truststram.federation.strategy.TrainPlan;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs a federation in one process: any strategy over any set of clients, each client's training on
 * a virtual thread, with seeded heterogeneity as FedProx's experiments have it: a fraction of each
 * round's clients are stragglers that manage only part of the work (local epochs drawn uniformly
 * from [1, E), or part of one epoch when E is 1), and clients may drop out. Strategies that do not
 * accept partial work (FedAvg) drop stragglers' updates; the others (FedProx, FedNova) fold them.
 *
 * <p>Runs are reproducible: every random choice derives from the seed, and updates are folded in
 * the order the strategy chose the clients, whatever order their threads finish in.
 */
public final class Simulation {

  private Simulation() {}

  /**
   * How to run.
   *
   * @param rounds how many rounds
   * @param stragglers the share of each round's clients that straggle, in [0, 1]
   * @param dropout the probability that a chosen client never reports, in [0, 1)
   * @param evaluateEvery evaluate the global model every this many rounds (and after the last)
   * @param seed the seed of every random choice
   */
  public record Config(
      int rounds, double stragglers, double dropout, int evaluateEvery, long seed) {
    public Config {
      if (rounds < 1
          || stragglers < 0
          || stragglers > 1
          || dropout < 0
          || dropout >= 1
          || evaluateEvery < 1) {
        throw new IllegalArgumentException(
            "rounds >= 1, stragglers in [0, 1], dropout in [0, 1), evaluateEvery >= 1");
      }
    }
  }

  /**
   * One round's outcome.
   *
   * @param round the round, from 1
   * @param selected clients chosen
   * @param aggregated updates folded into the model
   * @param stragglers chosen clients that straggled
   * @param dropped chosen clients whose work was not used (dropped out, or straggled under a
   *     strategy that drops partial work, or refused)
   * @param trainLoss the global model's loss on all clients' training data (NaN when not evaluated)
   * @param testLoss its loss on all clients' test data, example-weighted (NaN when not evaluated)
   * @param testAccuracy its accuracy there (NaN when not evaluated)
   * @param millis wall-clock time of the round
   * @param clippedValues under secure aggregation, the values clients clipped to its range (0
   *     otherwise): clipping is reported, never silent
   */
  public record Round(
      int round,
      int selected,
      int aggregated,
      int stragglers,
      int dropped,
      double trainLoss,
      double testLoss,
      double testAccuracy,
      long millis,
      long clippedValues) {}

  /** The final model and every round's outcome. */
  public record Result(float[] parameters, List<Round> rounds) {}

  /** Runs {@code strategy} from {@code initial} over {@code clients}. */
  public static Result run(
      Strategy strategy,
      List<? extends FederatedClient> clients,
      float[] initial,
      Config config,
      Consumer<Round> progress) {
    return run(strategy, clients, initial, config, Adversary.none(), java.util.Set.of(), progress);
  }

  /**
   * Runs {@code strategy} with the clients named in {@code malicious} controlled by {@code
   * adversary}: they train honestly, and the adversary replaces their updates before the server
   * sees them.
   */
  public static Result run(
      Strategy strategy,
      List<? extends FederatedClient> clients,
      float[] initial,
      Config config,
      Adversary adversary,
      java.util.Set<String> malicious,
      Consumer<Round> progress) {
    return run(strategy, clients, initial, config, adversary, malicious, null, progress);
  }

  /**
   * Runs {@code strategy} with secure aggregation when {@code secure} is given: each round's
   * updates go through a whole SecAgg+ round ({@link SecAggLoopback}, every message in its binary
   * form) and the strategy folds only the unmasked mean. A round whose secure aggregation aborts
   * (too few clients) leaves the model as it was and counts its clients as dropped.
   *
   * @throws IllegalArgumentException when the strategy needs each update
   */
  public static Result run(
      Strategy strategy,
      List<? extends FederatedClient> clients,
      float[] initial,
      Config config,
      Adversary adversary,
      java.util.Set<String> malicious,
      io.truststram.federation.secagg.@org.jspecify.annotations.Nullable SecureAggregation secure,
      Consumer<Round> progress) {
    if (secure != null) {
      io.truststram.federation.secagg.SecureAggregation.requireCompatible(strategy);
      if (secure.parameters() == null) {
        throw new IllegalArgumentException(
            "the simulation runs secagg+ and secagg; Paillier aggregation runs on a coordinator,"
                + " with its key holder");
      }
    }
    SecureRandom secureRandom = new SecureRandom();
    Map<String, io.truststram.crypto.primitive.KeyPair> identities = new HashMap<>();
    if (strategy instanceof io.truststram.federation.strategy.FedBuffStrategy) {
      throw new IllegalArgumentException(
          "fedbuff is asynchronous and runs on a coordinator (truststram fl run); the simulation"
              + " runs round-based strategies");
    }
    Map<String, FederatedClient> byId = new HashMap<>();
    List<ClientProfile> available = new ArrayList<>();
    for (FederatedClient client : clients) {
      FederatedClient trainsAs =
          malicious.contains(client.id()) ? adversary.poison(client) : client;
      if (byId.put(client.id(), trainsAs) != null) {
        throw new IllegalArgumentException("two clients are named " + client.id());
      }
      available.add(new ClientProfile(client.id(), client.examples()));
    }
    SplittableRandom random = new SplittableRandom(config.seed());
    float[] global = initial.clone();
    List<Round> rounds = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int round = 1; round <= config.rounds(); round++) {
        long start = System.nanoTime();
        List<TrainPlan> plans = strategy.configureTrain(round, available, random.split());
        List<Future<FederatedClient.Fit>> fits = new ArrayList<>();
        List<Boolean> straggling = new ArrayList<>();
        List<Boolean> droppedOut = new ArrayList<>();
        float[] base = global;
        for (TrainPlan plan : plans) {
          FederatedClient client = byId.get(plan.clientId());
          SplittableRandom draw = random.split();
          boolean out = draw.nextDouble() < config.dropout();
          boolean straggler = draw.nextDouble() < config.stragglers();
          long seed = draw.nextLong();
          LocalTraining training = plan.training();
          int maxSteps = 0;
          if (straggler) {
            if (training.epochs() > 1) {
              training =
                  new LocalTraining(
                      1 + draw.nextInt(training.epochs() - 1),
                      training.batchSize(),
                      training.learningRate(),
                      training.momentum(),
                      training.proximalMu(),
                      training.privacy());
            } else {
              int stepsPerEpoch =
                  (int)
                      Math.max(
                          1, (client.examples() + training.batchSize() - 1) / training.batchSize());
              maxSteps = 1 + draw.nextInt(Math.max(1, stepsPerEpoch - 1));
            }
          }
          straggling.add(straggler);
          droppedOut.add(out);
          LocalTraining chosen = training;
          int cap = maxSteps;
          boolean wasted = out || (straggler && !strategy.acceptsPartialWork());
          fits.add(
              wasted
                  ? null
                  : threads.submit(
                      () -> {
                        FederatedClient.Fit fit = client.fit(base, chosen, cap, seed);
                        // What a client does to its update before it leaves: clipping, local noise.
                        chosen.privatise(base, fit.parameters(), new SplittableRandom(~seed));
                        return fit;
                      }));
        }
        RoundAggregation aggregation = strategy.beginRound(round, global);
        int dropped = 0;
        int stragglers = 0;
        List<ClientUpdate> received = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
          stragglers += straggling.get(i) ? 1 : 0;
          if (droppedOut.get(i) || (straggling.get(i) && !strategy.acceptsPartialWork())) {
            dropped++;
            continue;
          }
          FederatedClient.Fit fit = await(fits.get(i));
          received.add(
              ClientUpdate.of(
                  plans.get(i).clientId(), fit.parameters(), fit.examples(), fit.steps()));
        }
        List<ClientUpdate> corrupted = adversary.corrupt(round, global, received, malicious);
        long[] clipped = {0};
        if (secure != null) {
          ClientUpdate mean =
              secureMean(
                  clipped,
                  secure,
                  round,
                  config.seed(),
                  global,
                  corrupted,
                  identities,
                  secureRandom);
          if (mean == null) {
            dropped += corrupted.size();
          } else {
            aggregation.accept(mean);
          }
        } else {
          for (ClientUpdate update : corrupted) {
            try {
              aggregation.accept(update);
            } catch (RejectedUpdateException refused) {
              dropped++;
            }
          }
        }
        int aggregated = aggregation.accepted();
        global = aggregation.finish();
        boolean evaluate = round % config.evaluateEvery() == 0 || round == config.rounds();
        double[] eval =
            evaluate
                ? evaluate(clients, global)
                : new double[] {Double.NaN, Double.NaN, Double.NaN};
        Round outcome =
            new Round(
                round,
                plans.size(),
                aggregated,
                stragglers,
                dropped,
                eval[0],
                eval[1],
                eval[2],
                (System.nanoTime() - start) / 1_000_000,
                clipped[0]);
        rounds.add(outcome);
        progress.accept(outcome);
      }
    }
    return new Result(global, rounds);
  }

  /**
   * The mean of {@code updates} as SecAgg+ unmasks it, as one update weighing their examples; null
   * when the round aborts.
   */
  private static @org.jspecify.annotations.Nullable ClientUpdate secureMean(
      long[] clipped,
      io.truststram.federation.secagg.SecureAggregation secure,
      int round,
      long seed,
      float[] global,
      List<ClientUpdate> updates,
      Map<String, io.truststram.crypto.primitive.KeyPair> identities,
      SecureRandom random) {
    List<ClientUpdate> sorted = new ArrayList<>(updates);
    sorted.sort(java.util.Comparator.comparing(ClientUpdate::clientId));
    List<String> ids = sorted.stream().map(ClientUpdate::clientId).toList();
    io.truststram.federation.secagg.SecAggRound secureRound;
    try {
      secureRound =
          new io.truststram.federation.secagg.SecAggRound(
              "simulation", round, 1, ids, seed ^ round, global.length, secure.parameters());
    } catch (IllegalArgumentException e) {
      if (ids.size() >= secure.parameters().minSurvivors()) {
        // Not too few clients, so the parameters cannot work: every round would fail alike.
        throw new IllegalArgumentException(
            "secure aggregation of " + ids.size() + " clients: " + e.getMessage(), e);
      }
      return null;
    }
    io.truststram.crypto.primitive.KeyPair[] keys =
        new io.truststram.crypto.primitive.KeyPair[ids.size()];
    long[] weights = new long[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      keys[i] =
          identities.computeIfAbsent(
              ids.get(i), id -> io.truststram.federation.secagg.SecAggClient.newIdentity(random));
      weights[i] = Math.max(1, sorted.get(i).examples());
    }
    var report =
        io.truststram.federation.secagg.SecAggLoopback.run(
            secureRound,
            keys,
            i -> {
              float[] change = sorted.get(i).parameters().clone();
              for (int j = 0; j < change.length; j++) {
                change[j] -= global[j];
              }
              return change;
            },
            weights,
            io.truststram.federation.secagg.SecAggLoopback.Dropouts.NONE,
            random);
    if (report.result() == null) {
      return null;
    }
    clipped[0] = report.result().clippedValues();
    float[] model = global.clone();
    float[] mean = report.result().mean();
    for (int j = 0; j < model.length; j++) {
      model[j] += mean[j];
    }
    return ClientUpdate.of("secure-aggregate", model, report.result().weight(), 0);
  }

  /** Training loss, test loss and test accuracy of {@code parameters}, example-weighted. */
  private static double[] evaluate(List<? extends FederatedClient> clients, float[] parameters) {
    double trainLoss = 0;
    long trainExamples = 0;
    double testLoss = 0;
    double correct = 0;
    long testExamples = 0;
    for (FederatedClient client : clients) {
      FederatedClient.Evaluation test = client.evaluate(parameters);
      if (test.examples() > 0) {
        testLoss += test.loss() * test.examples();
        correct += test.accuracy() * test.examples();
        testExamples += test.examples();
      }
      if (client instanceof LocalClient local && client.examples() > 0) {
        trainLoss += local.trainingMetrics(parameters).logLoss() * client.examples();
        trainExamples += client.examples();
      }
    }
    return new double[] {
      trainExamples == 0 ? Double.NaN : trainLoss / trainExamples,
      testExamples == 0 ? Double.NaN : testLoss / testExamples,
      testExamples == 0 ? Double.NaN : correct / testExamples
    };
  }

  private static FederatedClient.Fit await(Future<FederatedClient.Fit> fit) {
    try {
      return fit.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a client failed to train", e.getCause());
    }
  }
}
