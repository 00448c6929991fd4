package io.truststram.explain;

import io.truststram.explain.shap.ExactShap;
import io.truststram.explain.shap.KernelShap;
import io.truststram.explain.shap.PermutationShap;
import io.truststram.explain.tree.TreeEnsemble;
import io.truststram.explain.tree.TreeShap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * One entry to the SHAP methods: explains rows of a model by a named method, checks the inputs
 * against the method's limits, runs rows in parallel, and records the provenance and the additivity
 * error of the result.
 */
public final class ShapExplainer {

  /** The largest background a tree or exact explanation takes. */
  public static final int MAX_BACKGROUND = 10_000;

  /** The largest background Kernel SHAP takes (each coalition is evaluated on every row). */
  public static final int MAX_KERNEL_BACKGROUND = 1_000;

  /** The most coalitions Kernel SHAP may evaluate per row. */
  public static final int MAX_KERNEL_SAMPLES = 1_000_000;

  /** The most rows one call explains. */
  public static final int MAX_ROWS = 1_000_000;

  /** The methods, by their names in the CLI and the API. */
  public enum Method {
    TREE_PATH_DEPENDENT("tree-path-dependent", "path-dependent (tree covers)"),
    TREE_INTERVENTIONAL("tree-interventional", "interventional (background)"),
    KERNEL("kernel", "interventional (background)"),
    PERMUTATION("permutation", "interventional (background)"),
    EXACT("exact", "interventional (background)");

    private final String id;
    private final String valueFunction;

    Method(String id, String valueFunction) {
      this.id = id;
      this.valueFunction = valueFunction;
    }

    public String id() {
      return id;
    }

    /**
     * The method named {@code id}.
     *
     * @throws IllegalArgumentException for another name
     */
    public static Method of(String id) {
      for (Method method : values()) {
        if (method.id.equals(id.toLowerCase(Locale.ROOT))) {
          return method;
        }
      }
      throw new IllegalArgumentException(
          "the method is one of "
              + Arrays.stream(values()).map(Method::id).toList()
              + ", not '"
              + id
              + "'");
    }
  }

  /**
   * What to explain and how.
   *
   * @param method the method
   * @param rows the rows to explain
   * @param background the background (null for path-dependent TreeSHAP, which needs none)
   * @param link the link (Kernel and exact SHAP; tree methods explain the margin)
   * @param kernel Kernel SHAP's settings (its seed also seeds permutation SHAP)
   * @param maxEvaluations permutation SHAP's budget of coalitions per row (shap's max_evals)
   * @param backgroundWeights the background rows' weights (a k-means summary's cluster shares),
   *     Kernel SHAP only; null for equal
   */
  public record Request(
      Method method,
      double[][] rows,
      double @Nullable [][] background,
      Link link,
      KernelShap.Options kernel,
      int maxEvaluations,
      double @Nullable [] backgroundWeights) {}

  private ShapExplainer() {}

  /**
   * Explains {@code request.rows()} of {@code model} (whose file's SHA-256 is {@code modelSha256}).
   *
   * @throws IllegalArgumentException when the method does not apply to the model, a background is
   *     missing, empty or too large, the budget is above its cap, or the rows are too many
   */
  public static Explanation explain(Model model, String modelSha256, Request request) {
    Method method = request.method();
    double[][] rows = request.rows();
    double[][] background = request.background();
    if (rows.length == 0 || rows.length > MAX_ROWS) {
      throw new IllegalArgumentException("explain 1 to " + MAX_ROWS + " rows, not " + rows.length);
    }
    boolean tree = method == Method.TREE_PATH_DEPENDENT || method == Method.TREE_INTERVENTIONAL;
    if (tree && !(model instanceof TreeEnsemble)) {
      throw new IllegalArgumentException(method.id() + " explains tree ensembles only");
    }
    if (method != Method.TREE_PATH_DEPENDENT) {
      int cap = method == Method.KERNEL ? MAX_KERNEL_BACKGROUND : MAX_BACKGROUND;
      if (background == null || background.length == 0) {
        throw new IllegalArgumentException(method.id() + " needs a background (some rows)");
      }
      if (background.length > cap) {
        throw new IllegalArgumentException(
            method.id()
                + " takes a background of at most "
                + cap
                + " rows, not "
                + background.length
                + (method == Method.KERNEL ? "; summarise it (k-means or a sample)" : ""));
      }
    }
    if (request.backgroundWeights() != null && method != Method.KERNEL) {
      throw new IllegalArgumentException(
          "weighted backgrounds (a k-means summary) go with kernel only, not " + method.id());
    }
    if (method == Method.PERMUTATION
        && (request.maxEvaluations() < 1 || request.maxEvaluations() > MAX_KERNEL_SAMPLES)) {
      throw new IllegalArgumentException(
          "permutation SHAP evaluates 1 to " + MAX_KERNEL_SAMPLES + " coalitions per row");
    }
    if (method == Method.KERNEL && request.kernel().samples() > MAX_KERNEL_SAMPLES) {
      throw new IllegalArgumentException(
          "Kernel SHAP evaluates at most " + MAX_KERNEL_SAMPLES + " coalitions per row");
    }
    if (method == Method.EXACT && model.features() > ExactShap.MAX_FEATURES) {
      throw new IllegalArgumentException(
          "exact SHAP enumerates 2^M coalitions: at most "
              + ExactShap.MAX_FEATURES
              + " features, not "
              + model.features()
              + "; use kernel");
    }
    Link link = tree ? Link.IDENTITY : request.link();
    int outputs = model.outputs();
    int m = model.features();
    double[][][] perRow = new double[rows.length][][];
    KernelShap kernel =
        method == Method.KERNEL
            ? new KernelShap(model, link, background, request.backgroundWeights(), null)
            : null;
    long[] coalitions = new long[rows.length];
    IntStream.range(0, rows.length)
        .parallel()
        .forEach(
            r ->
                perRow[r] =
                    switch (method) {
                      case TREE_PATH_DEPENDENT ->
                          TreeShap.pathDependent((TreeEnsemble) model, rows[r]);
                      case TREE_INTERVENTIONAL ->
                          TreeShap.interventional((TreeEnsemble) model, rows[r], background);
                      case EXACT -> ExactShap.explain(model, link, rows[r], background);
                      case PERMUTATION ->
                          PermutationShap.explain(
                              model,
                              link,
                              rows[r],
                              background,
                              request.maxEvaluations(),
                              request.kernel().seed() + r);
                      case KERNEL -> {
                        KernelShap.Result result = kernel.explain(rows[r], request.kernel());
                        coalitions[r] = result.cost().coalitions();
                        yield result.values();
                      }
                    });
    double[][][] values = new double[outputs][rows.length][m];
    double[] expected = new double[outputs];
    for (int k = 0; k < outputs; k++) {
      expected[k] = perRow[0][k][m];
      for (int r = 0; r < rows.length; r++) {
        values[k][r] = Arrays.copyOf(perRow[r][k], m);
      }
    }
    double[][] predicted = model.predict(rows);
    double[][] linked = new double[rows.length][outputs];
    for (int r = 0; r < rows.length; r++) {
      for (int k = 0; k < outputs; k++) {
        linked[r][k] = link.apply(predicted[r][k]);
      }
    }
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("modelSha256", modelSha256);
    provenance.put("method", method.id());
    provenance.put("valueFunction", method.valueFunction);
    provenance.put("link", link.id());
    Map<String, Object> parameters = new LinkedHashMap<>();
    if (method == Method.KERNEL) {
      parameters.put(
          "samples", request.kernel().samples() == 0 ? "auto" : request.kernel().samples());
      parameters.put(
          "l1Reg",
          request.kernel().numFeatures() == 0
              ? "none"
              : "num_features(" + request.kernel().numFeatures() + ")");
      parameters.put("coalitionsPerRow", Arrays.stream(coalitions).max().orElse(0));
      provenance.put("seed", request.kernel().seed());
    }
    if (method == Method.PERMUTATION) {
      parameters.put("maxEvals", request.maxEvaluations());
      provenance.put("seed", request.kernel().seed());
    }
    provenance.put("parameters", parameters);
    if (background != null && method != Method.TREE_PATH_DEPENDENT) {
      provenance.put("backgroundSha256", Rows.sha256(background));
      provenance.put("backgroundRows", background.length);
      if (request.backgroundWeights() != null) {
        provenance.put("backgroundWeighted", true);
      }
    }
    provenance.put("library", Explanation.library());
    List<String> names =
        model instanceof TreeEnsemble ensemble
            ? ensemble.featureNames()
            : IntStream.range(0, m).mapToObj(i -> "f" + i).toList();
    Explanation explanation =
        new Explanation(names, expected, values, linked, method.id(), provenance);
    Map<String, Object> withError = new LinkedHashMap<>(provenance);
    withError.put("additivityError", explanation.additivityError());
    return new Explanation(names, expected, values, linked, method.id(), withError);
  }
}
