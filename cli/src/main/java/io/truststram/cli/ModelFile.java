package io.truststram.cli;

import io.truststram.explain.ClassifierModel;
import io.truststram.explain.Differentiable;
import io.truststram.explain.Model;
import io.truststram.explain.Rows;
import io.truststram.explain.onnx.OnnxModel;
import io.truststram.explain.tree.TreeEnsemble;
import io.truststram.explain.tree.XGBoostJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A model file the explain commands read, in one of the formats {@code --model-format} names: an
 * XGBoost JSON model ({@code xgboost-json}), one of our own ({@code truststram}, the safetensors
 * file {@code fl simulate --model} writes), or an ONNX model ({@code onnx}, run by ONNX Runtime as
 * a black box whose output is taken for probabilities).
 *
 * @param model the model as its predictions: an XGBoost model's margins, ours' probabilities
 * @param probabilities the model as probabilities (an XGBoost model's transformed outputs)
 * @param features its feature names ({@code f0}, {@code f1}, … when the file has none: a data
 *     file's columns are then taken by position)
 * @param sha256 the file's SHA-256
 * @param format the format's name
 */
record ModelFile(
    Model model, Model probabilities, List<String> features, String sha256, String format) {

  /** The formats, as the option's help lists them. */
  static final String FORMATS = "xgboost-json, truststram or onnx";

  /**
   * Reads {@code file} as {@code format}.
   *
   * @throws IllegalArgumentException for an unknown format or a file that is not one
   */
  static ModelFile read(Path file, String format, @Nullable String onnxOutput) throws IOException {
    byte[] bytes = ExplainCommand.Shap.readModel(file);
    String sha256 = ExplainCommand.sha256(bytes);
    String kind = format.equals("auto") ? detect(bytes) : format;
    return switch (kind) {
      case "xgboost-json" -> {
        TreeEnsemble ensemble = XGBoostJson.parse(bytes);
        yield new ModelFile(
            ensemble, ensemble.predictions(), ensemble.featureNames(), sha256, kind);
      }
      case "truststram" -> {
        ClassifierModel model = ClassifierModel.read(file);
        yield new ModelFile(model, model, model.featureNames(), sha256, kind);
      }
      case "onnx" -> {
        OnnxModel model = OnnxModel.tabular(bytes, onnxOutput);
        List<String> names =
            java.util.stream.IntStream.range(0, model.features()).mapToObj(i -> "f" + i).toList();
        yield new ModelFile(model, model, names, sha256, kind);
      }
      default ->
          throw new IllegalArgumentException(
              "--model-format is " + FORMATS + " or auto, not '" + format + "'");
    };
  }

  /**
   * The format of a file's bytes: a safetensors file starts with its header's length and then a
   * JSON object, an XGBoost model is a JSON object, and anything else is taken for ONNX (a protocol
   * buffer, which has no magic number).
   */
  static String detect(byte[] bytes) {
    if (bytes.length > 8 && bytes[8] == '{' && bytes[7] == 0 && bytes[6] == 0) {
      return "truststram";
    }
    for (byte b : bytes) {
      if (!Character.isWhitespace(b)) {
        return b == '{' ? "xgboost-json" : "onnx";
      }
    }
    throw new IllegalArgumentException("the model file is empty");
  }

  /** The tree ensemble, or null for another kind of model. */
  @Nullable TreeEnsemble ensemble() {
    return model instanceof TreeEnsemble ensemble ? ensemble : null;
  }

  /**
   * The model as a differentiable one.
   *
   * @throws IllegalArgumentException for a model without input gradients, naming {@code what}
   */
  Differentiable differentiable(String what) {
    if (model instanceof Differentiable differentiable) {
      return differentiable;
    }
    throw new IllegalArgumentException(
        what
            + " needs a differentiable model (--model-format truststram); a "
            + format
            + " model has no input gradients");
  }

  /**
   * The rows of a CSV file, in the model's feature order; a model that cannot take missing values
   * (ours) refuses them.
   */
  double[][] rows(Path csv, String option, Set<String> ignored) throws IOException {
    double[][] rows = Rows.read(ExplainCommand.Shap.table(csv, option), features, option, ignored);
    if (ensemble() == null) {
      for (int r = 0; r < rows.length; r++) {
        for (int j = 0; j < rows[r].length; j++) {
          if (Double.isNaN(rows[r][j])) {
            throw new IllegalArgumentException(
                option
                    + ", row "
                    + (r + 1)
                    + ": '"
                    + features.get(j)
                    + "' is missing, and a "
                    + format
                    + " model takes no missing values");
          }
        }
      }
    }
    return rows;
  }
}
