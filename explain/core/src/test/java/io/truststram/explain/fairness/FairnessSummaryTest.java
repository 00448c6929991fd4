package io.truststram.explain.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Federated fairness: participants' summaries, merged (directly or as summed vectors, the form
 * secure aggregation sums), give exactly the report computed on the pooled rows.
 */
class FairnessSummaryTest {

  private static final String[] SEX = {"F", "M"};
  private static final String[] RACE = {"A", "B", "C"};

  private record Rows(
      boolean[] label, boolean[] predicted, Map<String, String[]> attributes, double[] weights) {

    Rows slice(int from, int to) {
      Map<String, String[]> part = new LinkedHashMap<>();
      attributes.forEach((k, v) -> part.put(k, Arrays.copyOfRange(v, from, to)));
      return new Rows(
          Arrays.copyOfRange(label, from, to),
          Arrays.copyOfRange(predicted, from, to),
          part,
          Arrays.copyOfRange(weights, from, to));
    }

    FairnessSummary summary() {
      return FairnessSummary.of(label, predicted, attributes, weights);
    }
  }

  private static Rows rows(int n, long seed) {
    Random random = new Random(seed);
    boolean[] label = new boolean[n];
    boolean[] predicted = new boolean[n];
    String[] sex = new String[n];
    String[] race = new String[n];
    double[] weights = new double[n];
    for (int r = 0; r < n; r++) {
      sex[r] = SEX[random.nextInt(2)];
      race[r] = RACE[random.nextInt(3)];
      label[r] = random.nextDouble() < (sex[r].equals("M") ? 0.4 : 0.25);
      predicted[r] = random.nextDouble() < (label[r] ? 0.7 : 0.2) + (race[r].equals("A") ? 0.1 : 0);
      weights[r] = 1 + random.nextInt(3); // whole weights: sums are exact in any order
    }
    Map<String, String[]> attributes = new LinkedHashMap<>();
    attributes.put("sex", sex);
    attributes.put("race", race);
    return new Rows(label, predicted, attributes, weights);
  }

  @Test
  void mergedSummariesReportExactlyWhatThePooledRowsDo() {
    Rows all = rows(1_000, 3);
    GroupFairness.Options options =
        new GroupFairness.Options("between_groups", 0, 0.95, 0, "sex=M");
    GroupFairness.Report pooled =
        GroupFairness.compute(
            all.label(), all.predicted(), all.attributes(), all.weights(), options);
    FairnessSummary merged =
        all.slice(0, 200)
            .summary()
            .merge(all.slice(200, 650).summary())
            .merge(all.slice(650, 1_000).summary());
    GroupFairness.Report federated = GroupFairness.report(merged, options);
    assertThat(federated.metrics()).isEqualTo(pooled.metrics());
    assertThat(federated.groups()).isEqualTo(pooled.groups());
    assertThat(federated.groups().keySet()).containsExactlyElementsOf(pooled.groups().keySet());
    assertThat(federated.overall()).isEqualTo(pooled.overall());
    assertThat(federated.aif360()).isEqualTo(pooled.aif360());
    assertThat(federated.warnings()).isEqualTo(pooled.warnings());
    GroupFairness.Options toOverall = new GroupFairness.Options("to_overall", 0, 0.95, 0, null);
    assertThat(GroupFairness.report(merged, toOverall).metrics())
        .isEqualTo(
            GroupFairness.compute(
                    all.label(), all.predicted(), all.attributes(), all.weights(), toOverall)
                .metrics());
  }

  @Test
  void summedVectorsCarryTheSameSummary() {
    Rows all = rows(600, 5);
    List<String> keys = List.copyOf(all.summary().groups().keySet());
    double[] sum = new double[5 * (keys.size() + 1)];
    for (int[] part : new int[][] {{0, 100}, {100, 101}, {101, 600}}) {
      double[] vector = all.slice(part[0], part[1]).summary().toVector(keys);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += vector[i];
      }
    }
    assertThat(sum).containsExactly(all.summary().toVector(keys));
    FairnessSummary back = FairnessSummary.fromVector(List.of("sex", "race"), keys, sum);
    assertThat(GroupFairness.report(back, GroupFairness.Options.DEFAULT).metrics())
        .isEqualTo(GroupFairness.report(all.summary(), GroupFairness.Options.DEFAULT).metrics());
  }

  @Test
  void agreedKeysAreEveryGroupASummaryCanHave() {
    Rows all = rows(400, 9);
    List<String> keys =
        FairnessSummary.keys(
            List.of("sex", "race"), Map.of("race", List.of(RACE), "sex", List.of(SEX)));
    // Each attribute's own groups, then the intersections: 2 + 3 + 6.
    assertThat(keys)
        .hasSize(11)
        .startsWith("sex=F", "sex=M", "race=A", "race=B", "race=C", "sex=F & race=A")
        .endsWith("sex=M & race=C");
    assertThat(keys).containsAll(all.summary().groups().keySet());
    double[] vector = all.summary().toVector(keys);
    assertThat(FairnessSummary.fromVector(List.of("sex", "race"), keys, vector).groups())
        .isEqualTo(all.summary().groups());
    assertThat(FairnessSummary.keys(List.of("sex"), Map.of("sex", List.of(SEX))))
        .containsExactly("sex=F", "sex=M");

    assertThatThrownBy(() -> FairnessSummary.keys(List.of(), Map.of()))
        .hasMessageContaining("at least one");
    assertThatThrownBy(() -> FairnessSummary.keys(List.of("sex"), Map.of("race", List.of(RACE))))
        .hasMessageContaining("exactly the attributes");
    assertThatThrownBy(() -> FairnessSummary.keys(List.of("sex"), Map.of("sex", List.of("F", "F"))))
        .hasMessageContaining("each once");
    // A value the participants did not agree on is refused rather than dropped.
    assertThatThrownBy(
            () ->
                all.summary()
                    .toVector(
                        FairnessSummary.keys(
                            List.of("sex", "race"),
                            Map.of("sex", List.of(SEX), "race", List.of("A", "B")))))
        .hasMessageContaining("not among the agreed groups");
  }

  @Test
  void whatASummaryCannotDoIsRefused() {
    Rows all = rows(100, 7);
    FairnessSummary summary = all.summary();
    assertThatThrownBy(
            () ->
                GroupFairness.report(
                    summary, new GroupFairness.Options("between_groups", 100, 0.95, 0, null)))
        .hasMessageContaining("bootstrap intervals resample rows");
    Map<String, String[]> onlySex = Map.of("sex", all.attributes().get("sex"));
    FairnessSummary other = FairnessSummary.of(all.label(), all.predicted(), onlySex, null);
    assertThatThrownBy(() -> summary.merge(other)).hasMessageContaining("do not merge");
    assertThatThrownBy(() -> summary.toVector(List.of("sex=F")))
        .hasMessageContaining("not among the agreed groups");
    String[] one = new String[100];
    Arrays.fill(one, "F");
    FairnessSummary single =
        FairnessSummary.of(all.label(), all.predicted(), Map.of("sex", one), null);
    assertThatThrownBy(() -> GroupFairness.report(single, GroupFairness.Options.DEFAULT))
        .hasMessageContaining("single group");
    assertThatThrownBy(
            () -> FairnessSummary.fromVector(List.of("sex"), List.of("sex=F"), new double[3]))
        .hasMessageContaining("10 numbers");
  }
}
