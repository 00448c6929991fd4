package io.truststram.federation;

import io.truststram.federation.strategy.LocalTraining;
import io.truststram.ml.data.Dataset;
import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.Metrics;
import io.truststram.ml.model.Sgd;
import java.util.List;
import java.util.Map;

/** A client that trains a {@link Classifier} on an in-memory training set with {@link Sgd}. */
public final class LocalClient implements FederatedClient {

  private final String id;
  private final Classifier model;
  private final Dataset train;
  private final Dataset test;

  public LocalClient(String id, Classifier model, Dataset train, Dataset test) {
    this.id = id;
    this.model = model;
    this.train = train;
    this.test = test;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public long examples() {
    return train.rows();
  }

  @Override
  public Fit fit(float[] parameters, LocalTraining training, int maxSteps, long seed) {
    float[] local = parameters.clone();
    Sgd.Result result =
        Sgd.train(
            model,
            local,
            train,
            training.proximalMu() > 0 ? parameters : null,
            training.sgd(maxSteps, seed));
    return new Fit(local, result.examples(), result.steps(), Map.of("loss", result.lastLoss()));
  }

  /**
   * Adult's natural non-IID partition: one client per value of {@code column} among the {@code
   * maxClients} most common (the rest pooled as {@code other}), each holding the training and test
   * rows with that value, named by it.
   */
  public static List<LocalClient> byColumn(
      io.truststram.ml.data.AdultDataset.Split data,
      String column,
      int maxClients,
      Classifier model) {
    Map<String, int[]> train =
        io.truststram.ml.partition.Partitions.byValue(data.trainTable().column(column), maxClients);
    Map<String, List<Integer>> test = new java.util.LinkedHashMap<>();
    String[] testValues = data.testTable().column(column);
    for (int row = 0; row < testValues.length; row++) {
      String client = train.containsKey(testValues[row]) ? testValues[row] : "other";
      test.computeIfAbsent(client, c -> new java.util.ArrayList<>()).add(row);
    }
    List<LocalClient> clients = new java.util.ArrayList<>();
    for (var entry : train.entrySet()) {
      int[] testRows =
          test.getOrDefault(entry.getKey(), List.of()).stream()
              .mapToInt(Integer::intValue)
              .toArray();
      clients.add(
          new LocalClient(
              entry.getKey(),
              model,
              data.train().subset(entry.getValue()),
              data.test().subset(testRows)));
    }
    return clients;
  }

  /** The same client training on {@code train} instead (a poisoned copy, in attack simulations). */
  public LocalClient withTrainingData(Dataset train) {
    return new LocalClient(id, model, train, test);
  }

  /** Its model and training data, for attack simulations that poison them. */
  public Classifier model() {
    return model;
  }

  public Dataset trainingData() {
    return train;
  }

  public Dataset testData() {
    return test;
  }

  @Override
  public Evaluation evaluate(float[] parameters) {
    Metrics metrics = Metrics.evaluate(model, parameters, test);
    return new Evaluation(test.rows(), metrics.logLoss(), metrics.accuracy());
  }

  /** The SHA-256 of the local training data, for the trained model's provenance. */
  @Override
  public String trainingDataHash() {
    return io.truststram.ml.model.Provenance.hash(train);
  }

  /** The training loss of {@code parameters} on the local training set. */
  public Metrics trainingMetrics(float[] parameters) {
    return Metrics.evaluate(model, parameters, train);
  }
}
