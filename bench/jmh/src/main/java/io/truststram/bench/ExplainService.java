package io.truststram.bench;

import io.truststram.sdk.ExplainApi;
import io.truststram.sdk.TokenSource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The explanation service through its REST API (bench/explain/service.sh): the example XGBoost
 * model uploaded once; then milliseconds per request of path-dependent TreeSHAP on 100 rows
 * computed (a new seed each time, so the cache misses) and served from the cache, of LIME on 20
 * rows, and per compliance report (100 evaluation rows, 200 bootstrap resamples, global SHAP, four
 * charts, HTML and PDF, signed). One JSON line.
 *
 * <p>Usage: ExplainService SERVER CLIENT SECRET EXAMPLES_DIR [REPEATS]
 */
public final class ExplainService {

  private ExplainService() {}

  public static void main(String[] args) throws Exception {
    URI server = URI.create(args[0]);
    ExplainApi api =
        ExplainApi.connect(server, TokenSource.clientCredentials(server, args[1], args[2]));
    Path examples = Path.of(args[3]);
    int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    ExplainApi.Model model =
        api.uploadModel(
            "bench", Files.readAllBytes(examples.resolve("adult-xgboost.json")), "auto");
    double[][] rows = csv(examples.resolve("adult-background.csv"));
    double[][] twenty = Arrays.copyOf(rows, 20);
    for (int i = 0; i < 3; i++) {
      tree(api, model, rows, 1_000 + i);
      lime(api, model, twenty, rows, 1_000 + i);
      report(api, model, rows);
    }
    double[] miss = new double[repeats];
    double[] hit = new double[repeats];
    double[] lime = new double[repeats];
    double[] report = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      miss[i] = tree(api, model, rows, i);
      hit[i] = tree(api, model, rows, i);
      lime[i] = lime(api, model, twenty, rows, i);
      report[i] = report(api, model, rows);
    }
    System.out.printf(
        "{\"bench\":\"explain-service\",\"repeats\":%d,\"treeShap100RowsMsMiss\":%.1f,"
            + "\"treeShap100RowsMsHit\":%.1f,\"lime20RowsMs\":%.1f,\"reportMs\":%.1f,\"cores\":%d}%n",
        repeats,
        median(miss),
        median(hit),
        median(lime),
        median(report),
        Runtime.getRuntime().availableProcessors());
  }

  private static double tree(ExplainApi api, ExplainApi.Model model, double[][] rows, long seed)
      throws Exception {
    long start = System.nanoTime();
    api.explain(
        new ExplainApi.Request(model.id(), "tree-path-dependent", rows, null, Map.of("seed", seed)),
        Duration.ofMinutes(5));
    return (System.nanoTime() - start) / 1e6;
  }

  private static double lime(
      ExplainApi api, ExplainApi.Model model, double[][] rows, double[][] training, long seed)
      throws Exception {
    long start = System.nanoTime();
    api.explain(
        new ExplainApi.Request(
            model.id(), "lime", rows, null, Map.of("seed", seed, "background", training)),
        Duration.ofMinutes(5));
    return (System.nanoTime() - start) / 1e6;
  }

  private static double report(ExplainApi api, ExplainApi.Model model, double[][] rows)
      throws Exception {
    List<List<Double>> evaluation = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    List<String> sex = new ArrayList<>();
    for (double[] r : rows) {
      List<Double> values = new ArrayList<>();
      for (double v : r) {
        values.add(v);
      }
      evaluation.add(values);
      labels.add(r[6] == 1 && r[1] > 12);
      sex.add(r[5] == 1 ? "Male" : "Female");
    }
    long start = System.nanoTime();
    api.complianceReport(
        Map.of(
            "model",
            model.id(),
            "title",
            "bench",
            "intendedUse",
            "benchmark",
            "evaluation",
            Map.of("rows", evaluation, "labels", labels, "attributes", Map.of("sex", sex))));
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double[][] csv(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file);
    double[][] out = new double[lines.size() - 1][];
    for (int r = 1; r < lines.size(); r++) {
      out[r - 1] =
          Arrays.stream(lines.get(r).split(",")).mapToDouble(Double::parseDouble).toArray();
    }
    return out;
  }
}
