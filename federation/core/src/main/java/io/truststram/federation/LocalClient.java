package io.truststram.federation;

import io.truststram.federation.strategy.LocalTraining;
import io.truststram.ml.data.Dataset;
import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.Metrics;
import io.truststram.ml.model.Sgd;
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
