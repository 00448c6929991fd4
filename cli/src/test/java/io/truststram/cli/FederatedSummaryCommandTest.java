package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Federated fairness and importance on the command line: three participants each summarise their
 * share of the example rows, and the merged summaries give the numbers a report on all the rows
 * gives.
 */
class FederatedSummaryCommandTest extends CommandLineTestSupport {

  private static final Path EXAMPLES = Path.of("..", "examples", "explain");

  @TempDir Path directory;

  /** {@code file} split into three files of consecutive rows, each with the header. */
  private List<Path> split(Path file, String prefix) throws Exception {
    List<String> lines = Files.readAllLines(file);
    String header = lines.getFirst();
    List<String> rows = lines.subList(1, lines.size());
    int third = rows.size() / 3;
    List<Path> out = new java.util.ArrayList<>();
    for (int p = 0; p < 3; p++) {
      List<String> part = rows.subList(p * third, p == 2 ? rows.size() : (p + 1) * third);
      Path target = directory.resolve(prefix + p + ".csv");
      Files.write(
          target,
          java.util.stream.Stream.concat(java.util.stream.Stream.of(header), part.stream())
              .toList());
      out.add(target);
    }
    return out;
  }

  @Test
  void mergedFairnessSummariesReportWhatThePooledRowsDo() throws Exception {
    Path data = EXAMPLES.resolve("adult-predictions.csv");
    List<String> summaries = new java.util.ArrayList<>();
    for (Path part : split(data, "predictions")) {
      Path summary = directory.resolve(part.getFileName() + ".json");
      assertThat(
              run(
                  "fairness",
                  "summarize",
                  "--data",
                  part.toString(),
                  "--label",
                  "label",
                  "--prediction",
                  "prediction",
                  "--sensitive",
                  "sex,race",
                  "--out",
                  summary.toString()))
          .isZero();
      summaries.add(summary.toString());
    }
    JsonNode pooled =
        json(
            "fairness",
            "report",
            "--data",
            data.toString(),
            "--label",
            "label",
            "--prediction",
            "prediction",
            "--sensitive",
            "sex,race",
            "--privileged",
            "sex=Male",
            "--json");
    List<String> merge = new java.util.ArrayList<>(List.of("fairness", "merge"));
    merge.addAll(summaries);
    merge.addAll(List.of("--privileged", "sex=Male", "--json"));
    JsonNode federated = json(merge.toArray(String[]::new));
    assertThat(federated.path("participants").asInt()).isEqualTo(3);
    assertThat(federated.path("metrics")).isEqualTo(pooled.path("metrics"));
    assertThat(federated.path("groups")).isEqualTo(pooled.path("groups"));
    assertThat(federated.path("aif360")).isEqualTo(pooled.path("aif360"));
    assertThat(run("fairness", "merge", EXAMPLES.resolve("adult-rows.csv").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("is not JSON");
  }

  @Test
  void mergedImportanceSummariesGiveThePooledMeanAbsoluteValues() throws Exception {
    String model = EXAMPLES.resolve("adult-xgboost.json").toString();
    Path rows = EXAMPLES.resolve("adult-rows.csv");
    JsonNode pooled =
        json("explain", "shap", "--model", model, "--data", rows.toString(), "--json");
    List<String> merge = new java.util.ArrayList<>(List.of("explain", "merge"));
    for (Path part : split(rows, "rows")) {
      Path summary = directory.resolve(part.getFileName() + ".json");
      assertThat(
              run(
                  "explain",
                  "shap",
                  "--model",
                  model,
                  "--data",
                  part.toString(),
                  "--summary",
                  summary.toString()))
          .isZero();
      merge.add(summary.toString());
    }
    merge.add("--json");
    JsonNode federated = json(merge.toArray(String[]::new));
    assertThat(federated.path("rows").asInt()).isEqualTo(20);
    for (int f = 0; f < 8; f++) {
      double sum = 0;
      for (JsonNode row : pooled.path("shapValues")) {
        sum += Math.abs(row.get(f).asDouble());
      }
      assertThat(federated.path("meanAbsolute").get(f).asDouble())
          .isCloseTo(sum / 20, within(1e-12));
    }
    Path fairness = directory.resolve("fairness.json");
    Files.writeString(fairness, "{\"kind\": \"truststram-fairness-summary\"}");
    assertThat(run("explain", "merge", fairness.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("is not a truststram-importance-summary file");
  }

  @Test
  void analysesNeedAReadableSpecAndKnownKinds() throws Exception {
    assertThat(
            run(
                "fl",
                "analyze",
                "some-federation",
                "--kind",
                "fairness",
                "--spec",
                directory.resolve("missing.json").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no spec file");
    Path notJson = Files.writeString(directory.resolve("spec.json"), "[1, 2");
    assertThat(run("fl", "analyze", "f", "--kind", "fairness", "--spec", notJson.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("not a JSON object");
    assertThat(
            run("fl", "run", "config.yaml", "--clients", "2", "--analysis", "astrology=" + notJson))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--analysis takes");
    assertThat(err.toString()).doesNotContain("Exception");
  }
}
