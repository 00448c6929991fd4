package io.truststram.federation.strategy;

/**
 * FedProx (Li et al., MLSys 2020): FedAvg whose clients add the proximal term μ/2 ‖w − w_global‖²
 * to their loss, and whose stragglers' partial work is aggregated instead of dropped.
 */
public final class FedProx extends FedAvg {

  public FedProx(Sampling sampling, LocalTraining training) {
    super(sampling, training);
    if (!(training.proximalMu() > 0)) {
      throw new IllegalArgumentException("FedProx needs a proximal term mu > 0");
    }
  }

  @Override
  public String name() {
    return "fedprox";
  }

  @Override
  public boolean acceptsPartialWork() {
    return true;
  }
}
