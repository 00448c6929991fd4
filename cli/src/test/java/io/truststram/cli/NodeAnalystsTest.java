package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.truststram.explain.fairness.FairnessSummary;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.federation.LocalClient;
import io.truststram.ml.data.AdultDataset;
import io.truststram.ml.model.LogisticRegression;
import io.truststram.sdk.FederatedAnalyst;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/**
 * What {@code fl node --analyses fairness} sends for a partition of UCI Adult (the shared copy):
 * the example spec's groups cover every row, the sensitive values come from the one-hot columns,
 * and the summary reports what the rows do.
 */
class NodeAnalystsTest {

  private static final Path ADULT = Path.of("..", "..", "shared", "datasets", "adult");

  @Test
  void aNodeSummarisesAdultByTheExampleSpec() throws Exception {
    assumeTrue(Files.exists(ADULT.resolve("adult.data")), "the shared Adult copy is not here");
    AdultDataset.Split adult = AdultDataset.load(ADULT);
    LogisticRegression model = new LogisticRegression(adult.train().columns());
    LocalClient client = new LocalClient("all", model, adult.train(), adult.test());
    Map<String, Object> spec =
        CommandLineTestSupport.JSON.readValue(
            Files.readString(Path.of("..", "examples", "federation", "fairness-adult.json")),
            new TypeReference<Map<String, Object>>() {});
    List<String> keys =
        FairnessSummary.keys(
            List.of("sex", "race"),
            Map.of(
                "sex", List.of("Female", "Male"),
                "race",
                    List.of(
                        "Amer-Indian-Eskimo", "Asian-Pac-Islander", "Black", "Other", "White")));
    FederatedAnalyst analyst = NodeAnalysts.of(client, java.util.Set.of("fairness"));
    float[] parameters = model.initialParameters(1);
    double[] summary =
        analyst.summarise(
            new FederatedAnalyst.Task("a", "fairness", spec, 0, 5 * (keys.size() + 1)), parameters);
    assertThat(summary).hasSize(5 * (keys.size() + 1));
    assertThat(summary[4]).isEqualTo(adult.train().rows());

    Map<String, String[]> attributes = NodeAnalysts.categorical(adult.train());
    assertThat(attributes.get("sex")).containsOnly("Female", "Male");
    String[] raw = adult.trainTable().column("sex");
    for (int r = 0; r < 100; r++) {
      assertThat(attributes.get("sex")[r]).isEqualTo(raw[r].strip());
    }
    var report =
        GroupFairness.report(
            FairnessSummary.fromVector(List.of("sex", "race"), keys, summary),
            GroupFairness.Options.DEFAULT);
    assertThat(report.groups()).containsKey("sex=Female & race=Black");
    assertThat(report.overall().get("base_rate")).isBetween(0.23, 0.25);

    // A kind the node is not given is declined, not answered.
    FederatedAnalyst importanceOnly = NodeAnalysts.of(client, java.util.Set.of("importance"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                importanceOnly.summarise(
                    new FederatedAnalyst.Task("b", "fairness", spec, 0, 45), parameters))
        .isInstanceOf(FederatedAnalyst.Declined.class);
  }
}
