package io.truststram.federation;

import io.truststram.federation.strategy.LocalTraining;
import org.jspecify.annotations.Nullable;

/** A client that passes everything to another; tests override what they hold back or record. */
abstract class ForwardingClient implements FederatedClient {

  private final FederatedClient delegate;

  ForwardingClient(FederatedClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public long examples() {
    return delegate.examples();
  }

  @Override
  public Fit fit(float[] parameters, LocalTraining training, int maxSteps, long seed) {
    return delegate.fit(parameters, training, maxSteps, seed);
  }

  @Override
  public Evaluation evaluate(float[] parameters) {
    return delegate.evaluate(parameters);
  }

  @Override
  public @Nullable String trainingDataHash() {
    return delegate.trainingDataHash();
  }
}
