package io.truststram.federation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.explain.fairness.FairnessSummary;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.explain.global.ImportanceSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The built-in analysis kinds: their specs are checked with reasons, impossible summaries are
 * refused, and the sum of two nodes' summaries reports what their pooled rows do.
 */
class AnalysisKindsTest {

  private final FairnessAnalysis fairness = new FairnessAnalysis();
  private final ImportanceAnalysis importance = new ImportanceAnalysis();

  private static final Map<String, Object> FAIRNESS =
      Map.of("attributes", List.of("sex"), "values", Map.of("sex", List.of("F", "M")));

  @Test
  void fairnessSumsReportWhatThePooledRowsDo() {
    boolean[] labelA = {true, false, true, true};
    boolean[] predA = {true, false, false, true};
    String[] sexA = {"F", "F", "M", "M"};
    boolean[] labelB = {false, true, false};
    boolean[] predB = {true, true, false};
    String[] sexB = {"M", "F", "F"};
    List<String> keys = List.of("sex=F", "sex=M");
    double[] a = FairnessSummary.of(labelA, predA, Map.of("sex", sexA), null).toVector(keys);
    double[] b = FairnessSummary.of(labelB, predB, Map.of("sex", sexB), null).toVector(keys);
    assertThat(fairness.length(FAIRNESS)).isEqualTo(a.length).isEqualTo(15);
    fairness.check(FAIRNESS, a);
    double[] sum = new double[a.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = a[i] + b[i];
    }
    Map<String, Object> result = fairness.result(FAIRNESS, sum, 2);
    Map<String, Object> pooled =
        GroupFairness.compute(
                new boolean[] {true, false, true, true, false, true, false},
                new boolean[] {true, false, false, true, true, true, false},
                Map.of("sex", new String[] {"F", "F", "M", "M", "M", "F", "F"}),
                null,
                GroupFairness.Options.DEFAULT)
            .toMap();
    assertThat(result.get("metrics")).isEqualTo(pooled.get("metrics"));
    assertThat(result.get("groups")).isEqualTo(pooled.get("groups"));
    assertThat(result).containsEntry("rows", 7L).containsEntry("contributors", 2);
  }

  @Test
  void fairnessRefusesUnusableSpecsAndImpossibleCounts() {
    assertThatThrownBy(() -> fairness.length(Map.of()))
        .hasMessageContaining("'attributes' is a non-empty list");
    assertThatThrownBy(() -> fairness.length(Map.of("attributes", List.of("sex"))))
        .hasMessageContaining("'values' is an object");
    assertThatThrownBy(
            () ->
                fairness.length(
                    Map.of(
                        "attributes", List.of("sex"),
                        "values", Map.of("sex", List.of("F", "M")),
                        "method", "sideways")))
        .hasMessageContaining("between_groups or to_overall");
    double[] negative = new double[15];
    negative[7] = -1;
    assertThatThrownBy(() -> fairness.check(FAIRNESS, negative))
        .hasMessageContaining("not negative");
    double[] fractional = new double[15];
    fractional[4] = 2.5;
    assertThatThrownBy(() -> fairness.check(FAIRNESS, fractional))
        .hasMessageContaining("whole number");
    // Every row in one group: nothing to compare, said as such.
    double[] oneGroup = new double[15];
    oneGroup[4] = 3;
    oneGroup[3] = 3;
    oneGroup[9] = 3;
    oneGroup[8] = 3;
    assertThatThrownBy(() -> fairness.result(FAIRNESS, oneGroup, 1))
        .hasMessageContaining("single group");
  }

  @Test
  void importanceSumsGiveThePooledMeans() {
    Map<String, Object> spec = Map.of("features", List.of("a", "b"), "method", "linear");
    assertThat(importance.length(spec)).isEqualTo(7);
    ImportanceSummary a =
        new ImportanceSummary(
            List.of("a", "b"),
            "linear",
            new double[][] {{3, 1}},
            new double[][] {{-1, 1}},
            new double[][] {{5, 1}},
            2);
    ImportanceSummary b =
        new ImportanceSummary(
            List.of("a", "b"),
            "linear",
            new double[][] {{1, 2}},
            new double[][] {{1, 2}},
            new double[][] {{1, 4}},
            1);
    double[] sum = a.toVector();
    double[] other = b.toVector();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += other[i];
    }
    importance.check(spec, a.toVector());
    Map<String, Object> result = importance.result(spec, sum, 2);
    assertThat((double[][]) result.get("meanAbsolute"))
        .isEqualTo(a.merge(b).meanAbsolute())
        .isEqualTo(new double[][] {{4 / 3.0, 1}});
    assertThat(result).containsEntry("rows", 3L).containsEntry("method", "linear");

    assertThatThrownBy(() -> importance.length(Map.of("features", List.of("a"))))
        .hasMessageContaining("method");
    assertThatThrownBy(
            () -> importance.length(Map.of("features", List.of("a"), "method", "x", "outputs", 0)))
        .hasMessageContaining("'outputs'");
    double[] negative = a.toVector();
    negative[1] = -1;
    assertThatThrownBy(() -> importance.check(spec, negative)).hasMessageContaining("|φ|");
    assertThatThrownBy(() -> importance.result(spec, new double[7], 1))
        .hasMessageContaining("no rows");
  }
}
