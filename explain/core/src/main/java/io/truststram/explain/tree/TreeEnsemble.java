package io.truststram.explain.tree;

import io.truststram.explain.Model;
import io.truststram.ml.model.Activations;
import java.util.List;

/**
 * A sum of trees, as gradient boosting makes: output k of a row is {@code baseMargin[k]} plus the
 * leaf values of the trees of output k ({@code outputOf[t]}), summed in 32-bit floats in tree order
 * as XGBoost sums them, so that the margins are XGBoost's to the bit. As a {@link Model} it outputs
 * margins (log-odds for a logistic objective); {@link #transform} turns them into what the
 * objective predicts.
 *
 * @param trees the trees in boosting order
 * @param outputOf the output (class) each tree adds to
 * @param baseMargin the margin every row starts from, per output
 * @param features the number of input features
 * @param objective the training objective (XGBoost's name: {@code binary:logistic}, {@code
 *     reg:squarederror}, {@code multi:softprob}, …)
 * @param featureNames the features' names (generated as f0, f1, … when the model had none)
 */
public record TreeEnsemble(
    List<Tree> trees,
    int[] outputOf,
    float[] baseMargin,
    int features,
    String objective,
    List<String> featureNames)
    implements Model {

  public TreeEnsemble {
    trees = List.copyOf(trees);
    outputOf = outputOf.clone();
    baseMargin = baseMargin.clone();
    featureNames = List.copyOf(featureNames);
    if (outputOf.length != trees.size()) {
      throw new IllegalArgumentException(
          outputOf.length + " tree outputs for " + trees.size() + " trees");
    }
    if (baseMargin.length < 1) {
      throw new IllegalArgumentException("an ensemble has at least one output");
    }
    if (featureNames.size() != features) {
      throw new IllegalArgumentException(
          featureNames.size() + " feature names for " + features + " features");
    }
    for (int t = 0; t < trees.size(); t++) {
      if (outputOf[t] < 0 || outputOf[t] >= baseMargin.length) {
        throw new IllegalArgumentException("tree " + t + " adds to output " + outputOf[t]);
      }
      if (trees.get(t).maxFeature() >= features) {
        throw new IllegalArgumentException(
            "tree " + t + " splits on feature " + trees.get(t).maxFeature() + " of " + features);
      }
    }
  }

  @Override
  public int outputs() {
    return baseMargin.length;
  }

  @Override
  public void predict(double[][] rows, double[][] out) {
    for (int r = 0; r < rows.length; r++) {
      requireRow(rows[r]);
      float[] sums = baseMargin.clone();
      for (int t = 0; t < trees.size(); t++) {
        Tree tree = trees.get(t);
        sums[outputOf[t]] += tree.leafValue(tree.leaf(rows[r]));
      }
      for (int k = 0; k < sums.length; k++) {
        out[r][k] = sums[k];
      }
    }
  }

  /**
   * This ensemble with the objective's transform applied: probabilities for logistic and softmax
   * objectives (what LIME and a user see), margins otherwise.
   */
  public Model predictions() {
    return Model.of(
        features,
        baseMargin.length,
        (rows, out) -> {
          predict(rows, out);
          for (int r = 0; r < rows.length; r++) {
            double[] transformed = transform(out[r]);
            System.arraycopy(transformed, 0, out[r], 0, transformed.length);
          }
        });
  }

  /**
   * What the objective predicts from margins: probabilities for logistic and softmax objectives.
   */
  public double[] transform(double[] margins) {
    double[] out = margins.clone();
    if (objective.equals("binary:logistic") || objective.equals("reg:logistic")) {
      for (int k = 0; k < out.length; k++) {
        out[k] = Activations.sigmoid(out[k]);
      }
    } else if (objective.equals("multi:softprob") || objective.equals("multi:softmax")) {
      Activations.softmaxInPlace(out);
    } else if (objective.startsWith("count:poisson")
        || objective.startsWith("reg:gamma")
        || objective.startsWith("reg:tweedie")) {
      for (int k = 0; k < out.length; k++) {
        out[k] = Math.exp(out[k]);
      }
    }
    return out;
  }

  void requireRow(double[] row) {
    if (row.length != features) {
      throw new IllegalArgumentException(
          "a row has " + features + " values for this model, not " + row.length);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TreeEnsemble e
        && e.trees.equals(trees)
        && java.util.Arrays.equals(e.outputOf, outputOf)
        && java.util.Arrays.equals(e.baseMargin, baseMargin)
        && e.features == features
        && e.objective.equals(objective)
        && e.featureNames.equals(featureNames);
  }

  @Override
  public int hashCode() {
    return trees.hashCode() * 31 + features;
  }

  @Override
  public String toString() {
    return "TreeEnsemble[" + trees.size() + " trees, " + features + " features, " + objective + "]";
  }
}
