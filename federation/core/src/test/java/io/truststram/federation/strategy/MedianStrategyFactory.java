package io.truststram.federation.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A custom strategy as a user would add one, found through the service-provider file in the test
 * resources: the coordinate-wise median of the client models (it needs every update, so it does not
 * stream).
 */
public final class MedianStrategyFactory implements StrategyFactory {

  @Override
  public String name() {
    return "test-median";
  }

  @Override
  public Strategy create(StrategyParameters parameters) {
    Sampling sampling = parameters.sampling();
    LocalTraining training = parameters.training(0);
    return new Strategy() {
      @Override
      public String name() {
        return "test-median";
      }

      @Override
      public List<TrainPlan> configureTrain(
          int round, List<ClientProfile> available, SplittableRandom random) {
        return sampling.choose(available, random).stream()
            .map(c -> new TrainPlan(c.clientId(), training))
            .toList();
      }

      @Override
      public RoundAggregation beginRound(int round, float[] global) {
        List<float[]> all = new ArrayList<>();
        return new RoundAggregation() {
          @Override
          public void accept(ClientUpdate update) {
            all.add(update.parameters().clone());
          }

          @Override
          public int accepted() {
            return all.size();
          }

          @Override
          public float[] finish() {
            if (all.isEmpty()) {
              return global.clone();
            }
            float[] median = new float[global.length];
            float[] column = new float[all.size()];
            for (int i = 0; i < median.length; i++) {
              for (int k = 0; k < all.size(); k++) {
                column[k] = all.get(k)[i];
              }
              Arrays.sort(column);
              median[i] = column[column.length / 2];
            }
            return median;
          }
        };
      }
    };
  }
}
