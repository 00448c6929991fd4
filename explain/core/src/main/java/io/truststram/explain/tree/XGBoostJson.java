package io.truststram.explain.tree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a gradient-boosted tree model that XGBoost saved as JSON ({@code
 * Booster.save_model("model.json")}, XGBoost 1.6 to 3.x) into a {@link TreeEnsemble} whose margins
 * are XGBoost's own: the trees' node arrays, which output (class) each tree adds to, the objective,
 * and the intercept ({@code base_score}, turned into a margin as the objective does: its logit for
 * logistic objectives, its logarithm for Poisson, gamma and Tweedie). Numerical and categorical
 * splits; {@code gbtree} and {@code dart} boosters ({@code gblinear} is refused: it has no trees).
 * Everything is checked, so that a malformed file is an error naming what is wrong, never a wrong
 * model.
 */
public final class XGBoostJson {

  /**
   * Numbers kept as their decimal text, so that each float is read as XGBoost wrote it (rounding
   * through a double could differ in the last bit); NaN and Infinity as XGBoost writes them.
   */
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(tools.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  /** The largest file read: 1 GiB. */
  public static final long MAX_BYTES = 1L << 30;

  private XGBoostJson() {}

  /**
   * Reads a model file.
   *
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException when it is not an XGBoost tree model in JSON
   */
  public static TreeEnsemble read(Path file) throws IOException {
    if (Files.size(file) > MAX_BYTES) {
      throw new IllegalArgumentException(file + " is larger than " + MAX_BYTES + " bytes");
    }
    return parse(Files.readAllBytes(file));
  }

  /**
   * Reads a model from its JSON bytes.
   *
   * @throws IllegalArgumentException when they are not an XGBoost tree model in JSON
   */
  public static TreeEnsemble parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "not JSON: " + e.getOriginalMessage() + " (an XGBoost model saved as .ubj is not read)");
    }
    JsonNode learner = required(root, "learner");
    JsonNode booster = required(learner, "gradient_booster");
    String kind = text(booster, "name");
    JsonNode model;
    double[] drop = null;
    JsonNode weights;
    switch (kind) {
      case "gbtree" -> {
        // XGBoost 3.4 keeps dropout (DART) in the tree booster, with the trees' weights.
        model = required(booster, "model");
        weights = model.get("weight_drop");
      }
      case "dart" -> {
        model = required(required(booster, "gbtree"), "model");
        weights = required(booster, "weight_drop");
      }
      case "gblinear" ->
          throw new IllegalArgumentException(
              "a gblinear model has no trees; explain it with linear SHAP");
      default -> throw new IllegalArgumentException("unknown booster '" + kind + "'");
    }
    if (weights != null && !weights.isNull()) {
      drop = doubles("weight_drop", weights);
    }
    JsonNode parameters = required(learner, "learner_model_param");
    int features = integer(parameters, "num_feature");
    int classes = parameters.has("num_class") ? integer(parameters, "num_class") : 0;
    int targets = parameters.has("num_target") ? integer(parameters, "num_target") : 1;
    int outputs = Math.max(1, Math.max(classes, targets));
    if (features < 1 || features > 1_000_000 || outputs > 10_000) {
      throw new IllegalArgumentException(
          "num_feature " + features + " or the outputs " + outputs + " are out of range");
    }
    String objective = text(required(learner, "objective"), "name");
    float[] baseMargin = baseMargin(text(parameters, "base_score"), objective, outputs);
    JsonNode trees = required(model, "trees");
    JsonNode info = required(model, "tree_info");
    if (!trees.isArray() || !info.isArray() || info.size() != trees.size()) {
      throw new IllegalArgumentException("trees and tree_info are arrays of one length");
    }
    if (drop != null && drop.length != trees.size()) {
      throw new IllegalArgumentException("weight_drop has a weight per tree");
    }
    List<Tree> list = new ArrayList<>(trees.size());
    int[] outputOf = new int[trees.size()];
    for (int t = 0; t < trees.size(); t++) {
      outputOf[t] = info.get(t).asInt(-1);
      try {
        list.add(tree(trees.get(t), features, drop == null ? 1 : drop[t]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("tree " + t + ": " + e.getMessage());
      }
    }
    List<String> names = new ArrayList<>();
    JsonNode given = learner.path("feature_names");
    if (given.isArray() && given.size() == features) {
      given.forEach(n -> names.add(n.asString()));
    } else {
      for (int i = 0; i < features; i++) {
        names.add("f" + i);
      }
    }
    return new TreeEnsemble(list, outputOf, baseMargin, features, objective, names);
  }

  /** base_score ("5E-1", or "[5E-1]" and one per output since 3.0) as margins. */
  private static float[] baseMargin(String text, String objective, int outputs) {
    String body = text.strip();
    if (body.startsWith("[") && body.endsWith("]")) {
      body = body.substring(1, body.length() - 1);
    }
    String[] parts = body.split(",");
    float[] out = new float[outputs];
    for (int k = 0; k < outputs; k++) {
      String part = parts.length == 1 ? parts[0] : k < parts.length ? parts[k] : null;
      if (part == null) {
        throw new IllegalArgumentException(
            "base_score has " + parts.length + " values for " + outputs + " outputs");
      }
      float score;
      try {
        score = Float.parseFloat(part.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("base_score is not a number: '" + text + "'");
      }
      out[k] = toMargin(score, objective);
    }
    return out;
  }

  /** The objective's ProbToMargin. */
  private static float toMargin(float score, String objective) {
    String name = objective.toLowerCase(Locale.ROOT);
    if (name.equals("binary:logistic") || name.equals("reg:logistic")) {
      // XGBoost 3.4 clamps the intercept into (0, 1) first.
      float p = Math.min(Math.max(score, 1e-6f), 1 - 1e-6f);
      return (float) -Math.log(1.0f / p - 1.0f);
    }
    if (name.equals("count:poisson")
        || name.equals("reg:gamma")
        || name.equals("reg:tweedie")
        || name.equals("survival:cox")) {
      return (float) Math.log(score);
    }
    return score;
  }

  private static Tree tree(JsonNode node, int features, double weight) {
    int[] left = ints(node, "left_children");
    int n = left.length;
    int[] right = ints(node, "right_children");
    int[] split = ints(node, "split_indices");
    float[] conditions = floats(node, "split_conditions");
    int[] defaults = ints(node, "default_left");
    double[] hessians = doubles(node, "sum_hessian");
    int[] types = node.has("split_type") ? ints(node, "split_type") : new int[n];
    if (right.length != n
        || split.length != n
        || conditions.length != n
        || defaults.length != n
        || hessians.length != n
        || types.length != n) {
      throw new IllegalArgumentException("its node arrays differ in length");
    }
    BitSet[] categories = categories(node, n, types);
    float[] threshold = new float[n];
    float[] value = new float[n];
    boolean[] defaultLeft = new boolean[n];
    for (int i = 0; i < n; i++) {
      boolean leaf = left[i] == -1;
      if (leaf != (right[i] == -1)) {
        throw new IllegalArgumentException("node " + i + " has one child");
      }
      if (!leaf && (split[i] < 0 || split[i] >= features)) {
        throw new IllegalArgumentException(
            "node " + i + " splits on feature " + split[i] + " of " + features);
      }
      if (!Double.isFinite(conditions[i])) {
        throw new IllegalArgumentException("node " + i + " has a condition that is not finite");
      }
      threshold[i] = conditions[i];
      // As XGBoost: the float leaf times the float tree weight, rounded to a float.
      value[i] = (float) ((double) conditions[i] * (float) weight);
      defaultLeft[i] = defaults[i] != 0;
    }
    return new Tree(left, right, split, threshold, defaultLeft, value, hessians, categories);
  }

  /** The category sets of categorical splits (split_type 1): a category in the set goes right. */
  private static BitSet[] categories(JsonNode node, int n, int[] types) {
    BitSet[] out = new BitSet[n];
    boolean any = false;
    for (int type : types) {
      if (type != 0 && type != 1) {
        throw new IllegalArgumentException("split_type is 0 or 1, not " + type);
      }
      any |= type == 1;
    }
    if (!any) {
      return out;
    }
    int[] nodes = ints(node, "categories_nodes");
    int[] segments = ints(node, "categories_segments");
    int[] sizes = ints(node, "categories_sizes");
    int[] values = ints(node, "categories");
    if (segments.length != nodes.length || sizes.length != nodes.length) {
      throw new IllegalArgumentException("the category arrays differ in length");
    }
    for (int i = 0; i < nodes.length; i++) {
      int at = nodes[i];
      if (at < 0 || at >= n || types[at] != 1) {
        throw new IllegalArgumentException(
            "categories name node " + at + ", not a categorical split");
      }
      if (segments[i] < 0 || sizes[i] < 0 || (long) segments[i] + sizes[i] > values.length) {
        throw new IllegalArgumentException("node " + at + "'s categories lie outside the array");
      }
      BitSet set = new BitSet();
      for (int j = segments[i]; j < segments[i] + sizes[i]; j++) {
        if (values[j] < 0 || values[j] > 1 << 24) {
          throw new IllegalArgumentException("category " + values[j] + " is out of range");
        }
        set.set(values[j]);
      }
      out[at] = set;
    }
    for (int i = 0; i < n; i++) {
      if (types[i] == 1 && out[i] == null) {
        out[i] = new BitSet();
      }
    }
    return out;
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(
          "an XGBoost JSON model has '" + field + "'; this has none");
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isString()) {
      throw new IllegalArgumentException("'" + field + "' is a string");
    }
    return value.asString();
  }

  private static int integer(JsonNode node, String field) {
    String value = required(node, field).asString();
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + field + "' is not an integer: '" + value + "'");
    }
  }

  private static int[] ints(JsonNode node, String field) {
    JsonNode array = required(node, field);
    if (!array.isArray()) {
      throw new IllegalArgumentException("'" + field + "' is an array");
    }
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = array.get(i);
      if (v.isBoolean()) {
        out[i] = v.asBoolean() ? 1 : 0;
      } else if (v.isIntegralNumber() && v.canConvertToInt()) {
        out[i] = v.asInt();
      } else {
        throw new IllegalArgumentException("'" + field + "' holds integers, not " + v);
      }
    }
    return out;
  }

  private static float[] floats(JsonNode node, String field) {
    double[] values = doubles(node, field);
    JsonNode array = node.get(field);
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = array.get(i);
      out[i] = v.isBigDecimal() ? v.decimalValue().floatValue() : (float) values[i];
    }
    return out;
  }

  private static double[] doubles(JsonNode node, String field) {
    return doubles(field, required(node, field));
  }

  private static double[] doubles(String field, JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("'" + field + "' is an array");
    }
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = array.get(i);
      if (!v.isNumber()) {
        throw new IllegalArgumentException("'" + field + "' holds numbers, not " + v);
      }
      out[i] = v.asDouble();
    }
    return out;
  }
}
