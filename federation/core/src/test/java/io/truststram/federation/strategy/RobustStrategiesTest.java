package io.truststram.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The robust aggregators against their definitions on hand-built updates, their tolerance of
 * arbitrary updates, and the assumptions they refuse to run without.
 */
class RobustStrategiesTest {

  private static final Strategies REGISTRY = Strategies.standard();
  private static final float[] GLOBAL = {0, 0};

  private static List<ClientUpdate> updates(float[]... models) {
    List<ClientUpdate> updates = new ArrayList<>();
    for (int i = 0; i < models.length; i++) {
      updates.add(ClientUpdate.of("c" + i, models[i], 1 + i * 100L, 1));
    }
    return updates;
  }

  private static float[] aggregate(
      String name, Map<String, String> parameters, List<ClientUpdate> updates) {
    return REGISTRY.create(name, parameters).aggregate(1, GLOBAL, updates);
  }

  @Test
  void medianAndTrimmedMeanFollowTheirDefinitionsCoordinateByCoordinate() {
    List<ClientUpdate> five =
        updates(
            new float[] {1, 10},
            new float[] {2, 20},
            new float[] {3, 30},
            new float[] {4, 40},
            new float[] {100, -1000});
    // Per coordinate: {1,2,3,4,100} -> 3; {-1000,10,20,30,40} -> 20. Claimed examples do not count.
    assertThat(aggregate("median", Map.of(), five)).containsExactly(3, 20);
    assertThat(aggregate("median", Map.of(), five.subList(0, 4))).containsExactly(2.5f, 25);
    // beta 0.2 of 5 trims one from each end: mean of {2,3,4} and {10,20,30}.
    assertThat(aggregate("trimmed-mean", Map.of("beta", "0.2"), five)).containsExactly(3, 20);
    // beta 0 is the plain (unweighted) mean.
    assertThat(aggregate("trimmed-mean", Map.of("beta", "0"), five)).containsExactly(22, -180);
  }

  @Test
  void krumPicksTheUpdateClosestToItsNeighboursAndMultiKrumAveragesTheBest() {
    List<ClientUpdate> updates =
        updates(
            new float[] {0, 0},
            new float[] {1, 0},
            new float[] {0, 1},
            new float[] {1, 1},
            new float[] {0.5f, 0.5f},
            new float[] {50, 50});
    // f = 1: each update's score sums its n - f - 2 = 3 nearest squared distances. The centre
    // (0.5, 0.5) is 0.5 from each corner: score 1.5, the lowest.
    assertThat(aggregate("krum", Map.of("f", "1", "min-clients", "6"), updates))
        .containsExactly(0.5f, 0.5f);
    // m = 5: the five honest ones, averaged.
    assertThat(aggregate("krum", Map.of("f", "1", "m", "5", "min-clients", "6"), updates))
        .containsExactly(0.5f, 0.5f);
    double[] scores =
        Krum.scores(
            updates.stream()
                .map(u -> new RobustStrategy.Kept(u.clientId(), u.parameters(), u.examples()))
                .toList(),
            1);
    assertThat(scores[4]).isCloseTo(1.5, within(1e-9));
    assertThat(scores[5]).isGreaterThan(1000);
  }

  @Test
  void normBoundingScalesLargeChangesDownAndAveragesByExamples() {
    // Examples 1 and 101: (3, 4) has norm 5 and is scaled to (0.6, 0.8); (0, 0.5) is within 1.
    float[] next =
        aggregate(
            "norm-bounding",
            Map.of("max-norm", "1"),
            updates(new float[] {3, 4}, new float[] {0, 0.5f}));
    assertThat(next[0]).isCloseTo((float) (0.6 / 102), within(1e-7f));
    assertThat(next[1]).isCloseTo((float) ((0.8 + 0.5 * 101) / 102), within(1e-6f));
  }

  @Test
  void centeredClippingMovesTheCentreByClippedDifferencesAndRemembersIt() {
    Strategy clipping = REGISTRY.create("centered-clipping", Map.of("radius", "1"));
    List<ClientUpdate> updates =
        updates(new float[] {0, 0}, new float[] {0, 0}, new float[] {10, 0});
    // From the centre 0: differences (0,0), (0,0) and (10,0) clipped to (1,0); their mean is 1/3.
    float[] first = clipping.aggregate(1, GLOBAL, updates);
    assertThat(first[0]).isCloseTo(1 / 3f, within(1e-6f));
    assertThat(clipping.serverState().get("center")[0]).isCloseTo(1 / 3.0, within(1e-12));
    // The next round starts from that centre: (−1/3 − 1/3 + 1)/3 further.
    float[] second = clipping.aggregate(2, GLOBAL, updates);
    assertThat(second[0]).isCloseTo((float) (1 / 3.0 + 1 / 9.0), within(1e-6f));
  }

  @Test
  void theGeometricMedianMinimisesTheSumOfDistances() {
    // Three points of an equilateral-ish triangle and one far outlier: the geometric median stays
    // inside the triangle (the mean would be dragged towards the outlier).
    List<ClientUpdate> updates =
        updates(
            new float[] {0, 0}, new float[] {2, 0}, new float[] {1, 1.7f}, new float[] {90, 90});
    float[] median = aggregate("geometric-median", Map.of(), updates);
    assertThat(median[0]).isBetween(0.5f, 1.8f);
    assertThat(median[1]).isBetween(0.2f, 1.5f);
    // Its objective is not beaten by small moves, to the precision it stops at (Weiszfeld stops
    // when a step improves the sum of distances by less than a relative 1e-6).
    double at = objective(median, updates);
    for (float[] step : new float[][] {{0.01f, 0}, {-0.01f, 0}, {0, 0.01f}, {0, -0.01f}}) {
      float[] moved = {median[0] + step[0], median[1] + step[1]};
      assertThat(objective(moved, updates)).isGreaterThanOrEqualTo(at * (1 - 1e-5));
    }
    // Where symmetry fixes it, it is exact: the centre of a square's corners and centre.
    float[] centre =
        aggregate(
            "geometric-median",
            Map.of(),
            updates(
                new float[] {-1, -1},
                new float[] {1, -1},
                new float[] {-1, 1},
                new float[] {1, 1},
                new float[] {0, 0}));
    assertThat(centre[0]).isCloseTo(0, within(1e-6f));
    assertThat(centre[1]).isCloseTo(0, within(1e-6f));
  }

  private static double objective(float[] z, List<ClientUpdate> updates) {
    double sum = 0;
    for (ClientUpdate update : updates) {
      sum += Math.sqrt(Krum.squaredDistance(z, update.parameters()));
    }
    return sum;
  }

  /**
   * Replacing f of n honest updates with arbitrary vectors moves each aggregator by a bounded
   * amount: every coordinate of the median and trimmed mean stays within the honest values' range,
   * Krum keeps an honest update, and the geometric median stays near the honest ones.
   */
  @Property(tries = 40)
  void aFewArbitraryUpdatesCannotDragTheResultAway(
      @ForAll @IntRange(min = 7, max = 15) int n, @ForAll @IntRange(min = 0, max = 1000) int seed) {
    Random random = new Random(seed);
    int dimension = 5;
    int f = (n - 3) / 4; // within every aggregator's tolerance, Krum's n > 2f + 2 included
    List<ClientUpdate> honest = new ArrayList<>();
    for (int i = 0; i < n - f; i++) {
      float[] w = new float[dimension];
      for (int j = 0; j < dimension; j++) {
        w[j] = (float) random.nextGaussian();
      }
      honest.add(ClientUpdate.of("h" + i, w, 10, 1));
    }
    List<ClientUpdate> all = new ArrayList<>(honest);
    for (int i = 0; i < f; i++) {
      float[] w = new float[dimension];
      for (int j = 0; j < dimension; j++) {
        w[j] = (float) ((random.nextBoolean() ? 1 : -1) * 1e6 * random.nextDouble());
      }
      all.add(ClientUpdate.of("byzantine" + i, w, 1_000_000, 1));
    }
    Collections.shuffle(all, random);
    float[] low = new float[dimension];
    float[] high = new float[dimension];
    java.util.Arrays.fill(low, Float.MAX_VALUE);
    java.util.Arrays.fill(high, -Float.MAX_VALUE);
    for (ClientUpdate update : honest) {
      for (int j = 0; j < dimension; j++) {
        low[j] = Math.min(low[j], update.parameters()[j]);
        high[j] = Math.max(high[j], update.parameters()[j]);
      }
    }
    float[] zero = new float[dimension];
    Map<String, Map<String, String>> aggregators =
        Map.of(
            "median", Map.of(),
            "trimmed-mean", Map.of("beta", Double.toString((f + 0.5) / n)),
            "krum", Map.of("f", Integer.toString(f), "min-clients", Integer.toString(n)),
            "bulyan", Map.of("f", Integer.toString(f), "min-clients", Integer.toString(n)));
    for (var entry : aggregators.entrySet()) {
      float[] result = REGISTRY.create(entry.getKey(), entry.getValue()).aggregate(1, zero, all);
      for (int j = 0; j < dimension; j++) {
        assertThat(result[j]).as("%s[%d]", entry.getKey(), j).isBetween(low[j], high[j]);
      }
    }
    // The norm-based ones bound how far the model moves, whatever the updates.
    float[] bounded =
        REGISTRY.create("norm-bounding", Map.of("max-norm", "2")).aggregate(1, zero, all);
    assertThat(Math.sqrt(Krum.squaredDistance(bounded, zero))).isLessThanOrEqualTo(2 + 1e-5);
    float[] centred =
        REGISTRY.create("centered-clipping", Map.of("radius", "2")).aggregate(1, zero, all);
    assertThat(Math.sqrt(Krum.squaredDistance(centred, zero))).isLessThanOrEqualTo(2 + 1e-5);
    float[] geometric = REGISTRY.create("geometric-median", Map.of()).aggregate(1, zero, all);
    for (int j = 0; j < dimension; j++) {
      assertThat(Math.abs(geometric[j])).as("geometric-median[%d]", j).isLessThan(10);
    }
  }

  @Test
  void theOrderUpdatesArriveInDoesNotMatter() {
    Random random = new Random(9);
    List<ClientUpdate> updates = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      updates.add(
          ClientUpdate.of(
              "c" + i,
              new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()},
              10,
              1));
    }
    List<ClientUpdate> shuffled = new ArrayList<>(updates);
    Collections.shuffle(shuffled, new Random(1));
    for (String name : List.of("median", "trimmed-mean", "krum")) {
      assertThat(aggregate(name, Map.of(), shuffled))
          .as(name)
          .containsExactly(aggregate(name, Map.of(), updates));
    }
  }

  @Test
  void assumptionsAreCheckedWhenTheStrategyIsMade() {
    assertThatThrownBy(() -> REGISTRY.create("trimmed-mean", Map.of("beta", "0.5")))
        .hasMessageContaining("0 <= beta < 0.5");
    assertThatThrownBy(() -> REGISTRY.create("krum", Map.of("f", "2", "min-clients", "6")))
        .hasMessageContaining("needs more than 6 updates a round")
        .hasMessageContaining("at least 7");
    assertThatThrownBy(() -> REGISTRY.create("krum", Map.of("f", "1", "m", "5")))
        .hasMessageContaining("at most n - f");
    assertThatThrownBy(() -> REGISTRY.create("bulyan", Map.of("f", "1", "min-clients", "6")))
        .hasMessageContaining("needs at least 7 updates a round");
    assertThatThrownBy(() -> REGISTRY.create("norm-bounding", Map.of("max-norm", "0")))
        .hasMessageContaining("max-norm > 0");
    assertThatThrownBy(() -> REGISTRY.create("centered-clipping", Map.of("radius", "-1")))
        .hasMessageContaining("radius > 0");
    assertThatThrownBy(() -> REGISTRY.create("geometric-median", Map.of("smoothing", "0")))
        .hasMessageContaining("smoothing > 0");
    // A round with too few updates for Krum's assumption is refused, not aggregated.
    Strategy krum = REGISTRY.create("krum", Map.of());
    assertThatThrownBy(
            () ->
                krum.aggregate(
                    1, GLOBAL, updates(new float[] {0, 0}, new float[] {1, 1}, new float[] {2, 2})))
        .hasMessageContaining("the round has 3");
    // Bad updates are refused as with every strategy.
    assertThatThrownBy(
            () ->
                REGISTRY
                    .create("median", Map.of())
                    .aggregate(1, GLOBAL, updates(new float[] {Float.NaN, 0})))
        .isInstanceOf(RejectedUpdateException.class);
  }
}
