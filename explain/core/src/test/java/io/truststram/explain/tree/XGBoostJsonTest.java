package io.truststram.explain.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models trained by XGBoost itself (XGBoost4J 3.4, its native library), saved as JSON and read
 * back: the margins equal XGBoost's to the bit, and path-dependent TreeSHAP equals XGBoost's own
 * {@code predictContrib}.
 */
class XGBoostJsonTest {

  @TempDir Path dir;

  private static final int ROWS = 400;
  private static final int FEATURES = 6;

  /** Rows with interactions, a few missing values, and labels for the objective. */
  private static float[] data(Random random) {
    float[] data = new float[ROWS * FEATURES];
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextInt(25) == 0 ? Float.NaN : (float) random.nextGaussian();
    }
    return data;
  }

  private static float[] labels(float[] data, String objective, Random random) {
    float[] labels = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      double x0 = Float.isNaN(data[r * FEATURES]) ? 0 : data[r * FEATURES];
      double x1 = Float.isNaN(data[r * FEATURES + 1]) ? 0 : data[r * FEATURES + 1];
      double x2 = Float.isNaN(data[r * FEATURES + 2]) ? 0 : data[r * FEATURES + 2];
      double score = x0 + 0.8 * x1 * x2 - 0.5 * Math.abs(x2) + 0.3 * random.nextGaussian();
      labels[r] =
          switch (objective) {
            case "binary:logistic", "binary:logitraw" -> score > 0 ? 1 : 0;
            case "multi:softprob" -> score < -0.5 ? 0 : score < 0.5 ? 1 : 2;
            case "count:poisson" -> (float) Math.floor(Math.exp(0.5 * score) * 2);
            default -> (float) score;
          };
    }
    return labels;
  }

  @ParameterizedTest
  @CsvSource({
    "binary:logistic, gbtree, 20, 4",
    "binary:logitraw, gbtree, 10, 3",
    "reg:squarederror, gbtree, 30, 5",
    "count:poisson, gbtree, 10, 3",
    "multi:softprob, gbtree, 8, 3",
    "binary:logistic, dart, 10, 3"
  })
  void marginsAreXGBoostsToTheBitAndTreeShapIsItsPredictContrib(
      String objective, String booster, int rounds, int depth) throws Exception {
    check(objective, booster, rounds, depth, false);
  }

  /** Categorical splits (partitions of a feature's categories), with named features. */
  @Test
  void categoricalSplitsAndFeatureNamesAreXGBoosts() throws Exception {
    TreeEnsemble model = check("binary:logistic", "gbtree", 15, 4, true);
    assertThat(model.featureNames()).containsExactly("age", "site", "x2", "x3", "x4", "x5");
    long partitions =
        model.trees().stream()
            .mapToLong(t -> IntStream.range(0, t.nodes()).filter(t::isCategorical).count())
            .sum();
    assertThat(partitions).isPositive();
  }

  private TreeEnsemble check(
      String objective, String booster, int rounds, int depth, boolean categorical)
      throws Exception {
    Random random = new Random(objective.hashCode() + booster.hashCode());
    float[] data = data(random);
    if (categorical) {
      for (int r = 0; r < ROWS; r++) {
        data[r * FEATURES + 1] = random.nextInt(30) == 0 ? Float.NaN : random.nextInt(12);
      }
    }
    DMatrix matrix = new DMatrix(data, ROWS, FEATURES, Float.NaN);
    float[] labels = labels(data, objective, random);
    if (categorical) {
      for (int r = 0; r < ROWS; r++) {
        float site = data[r * FEATURES + 1];
        if (!Float.isNaN(site) && ((int) site % 3 == 1 || (int) site == 8)) {
          labels[r] = 1 - labels[r];
        }
      }
      matrix.setFeatureNames(new String[] {"age", "site", "x2", "x3", "x4", "x5"});
      matrix.setFeatureTypes(new String[] {"q", "c", "q", "q", "q", "q"});
    }
    matrix.setLabel(labels);
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("objective", objective);
    parameters.put("booster", booster);
    parameters.put("max_depth", depth);
    parameters.put("eta", 0.3);
    parameters.put("seed", 7);
    parameters.put("nthread", 1);
    if (objective.startsWith("multi")) {
      parameters.put("num_class", 3);
    }
    if (booster.equals("dart")) {
      parameters.put("rate_drop", 0.2);
    }
    if (categorical) {
      parameters.put("tree_method", "hist");
      parameters.put("max_cat_to_onehot", 1);
    }
    Booster trained = XGBoost.train(matrix, parameters, rounds, new HashMap<>(), null, null);
    Path file = dir.resolve("model.json");
    trained.saveModel(file.toString());
    TreeEnsemble model = XGBoostJson.read(file);
    assertThat(model.objective()).isEqualTo(objective);
    assertThat(model.features()).isEqualTo(FEATURES);
    float[][] margins = trained.predict(matrix, true, 0);
    float[][] contributions = trained.predictContrib(matrix, 0);
    int outputs = model.outputs();
    assertThat(margins[0]).hasSize(outputs);
    double[][] rows = new double[ROWS][FEATURES];
    for (int r = 0; r < ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        rows[r][f] = data[r * FEATURES + f];
      }
    }
    double[][] ours = model.predict(rows);
    for (int r = 0; r < ROWS; r++) {
      for (int k = 0; k < outputs; k++) {
        assertThat((float) ours[r][k]).as("row %d output %d", r, k).isEqualTo(margins[r][k]);
      }
    }
    for (int r = 0; r < ROWS; r += 7) {
      double[][] shap = TreeShap.pathDependent(model, rows[r]);
      for (int k = 0; k < outputs; k++) {
        for (int f = 0; f <= FEATURES; f++) {
          double theirs = contributions[r][k * (FEATURES + 1) + f];
          assertThat(shap[k][f])
              .as("row %d output %d feature %d", r, k, f)
              .isCloseTo(theirs, within(2e-5 + 2e-5 * Math.abs(theirs)));
        }
      }
    }
    return model;
  }

  @Test
  void malformedModelsAreClearErrors() throws Exception {
    Random random = new Random(3);
    float[] data = data(random);
    DMatrix matrix = new DMatrix(data, ROWS, FEATURES, Float.NaN);
    matrix.setLabel(labels(data, "binary:logistic", random));
    Map<String, Object> parameters = Map.of("objective", "binary:logistic", "max_depth", 3);
    Booster trained =
        XGBoost.train(matrix, new HashMap<>(parameters), 3, new HashMap<>(), null, null);
    Path file = dir.resolve("good.json");
    trained.saveModel(file.toString());
    String good = Files.readString(file);
    assertThatThrownBy(() -> XGBoostJson.parse("{\"learner\":".getBytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> XGBoostJson.parse("{}".getBytes()))
        .hasMessageContaining("has 'learner'");
    assertThatThrownBy(
            () ->
                XGBoostJson.parse(
                    good.replace("\"split_indices\":[", "\"split_indices\":[99,").getBytes()))
        .hasMessageContaining("tree 0:");
    assertThatThrownBy(
            () ->
                XGBoostJson.parse(
                    good.replaceFirst("\"left_children\":\\[1,", "\"left_children\":[0,")
                        .getBytes()))
        .hasMessageContaining("tree 0: node 0 has child 0");
    assertThatThrownBy(
            () ->
                XGBoostJson.parse(
                    good.replace("\"name\":\"gbtree\"", "\"name\":\"gblinear\"").getBytes()))
        .hasMessageContaining("gblinear");
    assertThatThrownBy(
            () ->
                XGBoostJson.parse(
                    good.replace("\"num_feature\":\"6\"", "\"num_feature\":\"x\"").getBytes()))
        .hasMessageContaining("not an integer");
  }
}
