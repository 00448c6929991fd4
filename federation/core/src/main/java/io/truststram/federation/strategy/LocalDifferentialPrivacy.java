package io.truststram.federation.strategy;

import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.NoiseCalibration;
import io.truststram.federation.privacy.PrivacySpent;
import io.truststram.federation.privacy.RdpAccountant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Local differential privacy around any strategy ({@code ldp(fedavg)}): every client clips its
 * change against the global model to L2 norm at most C and adds Gaussian noise itself, before its
 * update leaves the machine, so that no one (the coordinator included) sees more than an (ε,
 * δ)-differentially private release of it. Two neighbouring data sets of one client can move its
 * clipped change anywhere in a ball of radius C, so the sensitivity is 2C and the noise's standard
 * deviation is 2C times the analytic Gaussian mechanism's multiplier for (ε, δ).
 *
 * <p>The server cannot check a noised update's norm, so this wrapper trusts each client with its
 * own privacy, as local DP must; it pairs with a robust aggregator against dishonest ones. A
 * client's releases compose over the rounds it takes part in: {@link #spentAfter} counts them by
 * the RDP accountant.
 */
public final class LocalDifferentialPrivacy extends ForwardingStrategy {

  private final double epsilon;
  private final double delta;
  private final double clipNorm;
  private final double noiseMultiplier;

  /**
   * @param epsilon the ε of one round's release by one client
   * @param delta its δ
   * @param clipNorm C
   */
  public LocalDifferentialPrivacy(Strategy inner, double epsilon, double delta, double clipNorm) {
    super(inner);
    if (Wrapper.find(inner, DifferentialPrivacy.class).isPresent()
        || Wrapper.find(inner, LocalDifferentialPrivacy.class).isPresent()) {
      throw new IllegalArgumentException("differential privacy is applied once in a chain");
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("local-epsilon must be positive, not " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("local-delta must be in (0, 1), not " + delta);
    }
    new LocalPrivacy(clipNorm, 0);
    this.epsilon = epsilon;
    this.delta = delta;
    this.clipNorm = clipNorm;
    this.noiseMultiplier = NoiseCalibration.analyticGaussian(epsilon, delta);
  }

  @Override
  public String name() {
    return "ldp(" + inner().name() + ")";
  }

  /** The standard deviation of the noise each client adds to each parameter. */
  public double noiseStddev() {
    return noiseMultiplier * 2 * clipNorm;
  }

  /** One round's (ε, δ) for one client. */
  public double roundEpsilon() {
    return epsilon;
  }

  public double roundDelta() {
    return delta;
  }

  /**
   * What a client has spent after taking part in {@code rounds} rounds, at {@code delta}: the
   * composition of its Gaussian releases by the RDP accountant (tighter than adding up the ε).
   */
  public PrivacySpent spentAfter(long rounds, double delta, Conversion conversion) {
    return RdpAccountant.epsilon(1, noiseMultiplier, rounds, delta, conversion);
  }

  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    LocalPrivacy privacy = new LocalPrivacy(clipNorm, noiseStddev());
    return inner().configureTrain(round, available, random).stream()
        .map(plan -> new TrainPlan(plan.clientId(), plan.training().withPrivacy(privacy)))
        .toList();
  }
}
