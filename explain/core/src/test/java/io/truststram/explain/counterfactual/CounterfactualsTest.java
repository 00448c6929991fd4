package io.truststram.explain.counterfactual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.explain.ClassifierModel;
import io.truststram.ml.model.LogisticRegression;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Counterfactuals flip the prediction and respect every constraint (the properties DiCE's and
 * Wachter et al.'s searches promise), on a logistic model whose boundary is known in closed form: z
 * = income + 0.5 age + 2 [colour = blue] − 8, class 1 where z ≥ 0.
 */
class CounterfactualsTest {

  private static final List<String> FEATURES =
      List.of("income", "age", "colour_red", "colour_green", "colour_blue");

  private static final ClassifierModel MODEL =
      new ClassifierModel(
          new LogisticRegression(5), new float[] {1f, 0.5f, 0f, 0f, 2f, -8f}, Map.of());

  private static final double[] QUERY = {2, 3, 1, 0, 0};

  private static Space space() {
    double[][] data = {
      {0, 0, 1, 0, 0}, {10, 6, 0, 1, 0}, {4, 2, 0, 0, 1}, {6, 4, 1, 0, 0}, {3, 5, 0, 1, 0}
    };
    return Space.of(FEATURES, data)
        .withImmutable(List.of("age"))
        .withGroupsByPrefix(List.of("colour"))
        .withIntegers(List.of("income"));
  }

  private static void assertHonours(Counterfactuals.Result result, int count, int maxChanged) {
    assertThat(result.status()).isEqualTo("found");
    assertThat(result.counterfactuals()).hasSize(count);
    for (Counterfactuals.Counterfactual cf : result.counterfactuals()) {
      double[] x = cf.values();
      double z = x[0] + 0.5 * x[1] + 2 * x[4] - 8;
      assertThat(z).as("flips the prediction").isGreaterThanOrEqualTo(0);
      assertThat(cf.outputs()[1]).isGreaterThanOrEqualTo(0.5);
      assertThat(x[1]).as("age is immutable").isEqualTo(3);
      assertThat(x[0]).as("income in range, whole").isBetween(0.0, 10.0).isEqualTo(Math.rint(x[0]));
      assertThat(x[2] + x[3] + x[4]).as("one colour").isEqualTo(1);
      for (int c = 2; c < 5; c++) {
        assertThat(x[c]).isIn(0.0, 1.0);
      }
      assertThat(cf.changes()).isNotEmpty();
      if (maxChanged > 0) {
        assertThat(cf.changes()).hasSizeLessThanOrEqualTo(maxChanged);
      }
    }
    assertThat(result.counterfactuals().stream().map(c -> List.of(c.values())).distinct())
        .hasSize(count);
  }

  @Test
  void theGeneticSearchFindsDiverseValidCounterfactuals() {
    Counterfactuals.Result result =
        Counterfactuals.genetic(
            MODEL,
            "m",
            space(),
            QUERY,
            new Desired.Class(1, 0.5),
            Counterfactuals.Options.DEFAULT.withSeed(3));
    assertHonours(result, 4, 0);
    // Post-hoc sparsity leaves income at the boundary when it alone changes: 7 (z = 0.5).
    assertThat(result.counterfactuals())
        .anySatisfy(
            cf ->
                assertThat(cf.changes())
                    .containsExactly(new Counterfactuals.Change("income", "2", "7")));
  }

  @Test
  void aLimitOnFeaturesChangedHolds() {
    Counterfactuals.Options one = new Counterfactuals.Options(2, 1, 0.5, 0.5, 1.0, 300, 200, 5);
    Counterfactuals.Result result =
        Counterfactuals.genetic(MODEL, "m", space(), QUERY, new Desired.Class(1, 0.5), one);
    assertThat(result.status()).isIn("found", "partial");
    for (Counterfactuals.Counterfactual cf : result.counterfactuals()) {
      assertThat(cf.changes()).hasSize(1);
      assertThat(cf.outputs()[1]).isGreaterThanOrEqualTo(0.5);
    }
  }

  @Test
  void theGradientSearchFindsValidCounterfactuals() {
    Counterfactuals.Result result =
        Counterfactuals.gradient(
            MODEL,
            "m",
            space(),
            QUERY,
            new Desired.Class(1, 0.5),
            new Counterfactuals.Options(2, 0, 0.5, 0.5, 1.0, 300, 200, 7));
    assertThat(result.status()).isIn("found", "partial");
    assertThat(result.counterfactuals()).isNotEmpty();
    for (Counterfactuals.Counterfactual cf : result.counterfactuals()) {
      double[] x = cf.values();
      assertThat(x[0] + 0.5 * x[1] + 2 * x[4] - 8).isGreaterThanOrEqualTo(0);
      assertThat(x[1]).isEqualTo(3);
      assertThat(x[2] + x[3] + x[4]).isEqualTo(1);
    }
  }

  @Test
  void anUnreachableOutcomeSaysNoneWasFound() {
    // With income capped at 4 and blue forbidden (colour immutable), z ≤ 4 + 1.5 − 8 < 0.
    Space capped = space().withRange("income", 0, 4).withImmutable(List.of("colour_red"));
    Counterfactuals.Result result =
        Counterfactuals.genetic(
            MODEL,
            "m",
            capped,
            QUERY,
            new Desired.Class(1, 0.5),
            new Counterfactuals.Options(2, 0, 0.5, 0.5, 1.0, 40, 50, 1));
    assertThat(result.status()).isEqualTo("none");
    assertThat(result.counterfactuals()).isEmpty();
    assertThat(result.message()).contains("no counterfactual reaches class 1");
  }

  @Test
  void badRequestsAreRefused() {
    assertThatThrownBy(() -> search(space(), new double[] {8, 3, 1, 0, 0}, 1))
        .hasMessageContaining("already has the outcome");
    assertThatThrownBy(() -> search(space(), new double[] {2, 3, 1, 1, 0}, 1))
        .hasMessageContaining("2 ones");
    assertThatThrownBy(() -> search(space(), QUERY, 5)).hasMessageContaining("class 5");
    assertThatThrownBy(() -> space().withImmutable(List.of("height")))
        .hasMessageContaining("no feature 'height'");
    Space frozen = space().withImmutable(List.of("income", "colour_blue"));
    assertThatThrownBy(() -> search(frozen, QUERY, 1)).hasMessageContaining("immutable");
    assertThatThrownBy(() -> new Counterfactuals.Options(0, 0, 0.5, 0.5, 1, 10, 10, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Counterfactuals.Result search(Space space, double[] query, int cls) {
    return Counterfactuals.genetic(
        MODEL, "m", space, query, new Desired.Class(cls, 0.5), Counterfactuals.Options.DEFAULT);
  }
}
