package io.truststram.explain;

import io.truststram.explain.onnx.OnnxModel;
import io.truststram.explain.tree.TreeEnsemble;
import io.truststram.explain.tree.XGBoostJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * A model file read into a model to explain, in one of the formats the CLI and the service take: an
 * XGBoost JSON model ({@code xgboost-json}), one of our own ({@code truststram}, the safetensors
 * file {@code fl simulate --model} writes), or an ONNX model ({@code onnx}, run by ONNX Runtime as
 * a black box whose output is taken for probabilities).
 *
 * @param model the model as its predictions: an XGBoost model's margins, ours' probabilities
 * @param probabilities the model as probabilities (an XGBoost model's transformed outputs)
 * @param features its feature names ({@code f0}, {@code f1}, … when the file has none: a data
 *     file's columns are then taken by position)
 * @param sha256 the file's SHA-256, hex
 * @param format the format's name
 */
public record LoadedModel(
    Model model, Model probabilities, List<String> features, String sha256, String format) {

  /** The formats, as messages list them. */
  public static final String FORMATS = "xgboost-json, truststram or onnx";

  public LoadedModel {
    features = List.copyOf(features);
  }

  /**
   * Reads a model file's bytes as {@code format} ({@code auto} to tell it by the content).
   *
   * @param onnxOutput an ONNX model's output to explain, or null for the first that fits
   * @throws IllegalArgumentException for an unknown format, or bytes that are not such a model
   */
  public static LoadedModel read(byte[] bytes, String format, @Nullable String onnxOutput) {
    String sha256 = sha256(bytes);
    String kind = format.equals("auto") ? detect(bytes) : format;
    return switch (kind) {
      case "xgboost-json" -> {
        TreeEnsemble ensemble = XGBoostJson.parse(bytes);
        yield new LoadedModel(
            ensemble, ensemble.predictions(), ensemble.featureNames(), sha256, kind);
      }
      case "truststram" -> {
        ClassifierModel model = ClassifierModel.parse(bytes);
        yield new LoadedModel(model, model, model.featureNames(), sha256, kind);
      }
      case "onnx" -> {
        OnnxModel model = OnnxModel.tabular(bytes, onnxOutput);
        List<String> names = IntStream.range(0, model.features()).mapToObj(i -> "f" + i).toList();
        yield new LoadedModel(model, model, names, sha256, kind);
      }
      default ->
          throw new IllegalArgumentException(
              "the model format is " + FORMATS + " or auto, not '" + format + "'");
    };
  }

  /**
   * The format of a file's bytes: a safetensors file starts with its header's length and then a
   * JSON object, an XGBoost model is a JSON object, and anything else is taken for ONNX (a protocol
   * buffer, which has no magic number).
   *
   * @throws IllegalArgumentException for no bytes
   */
  public static String detect(byte[] bytes) {
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
  public @Nullable TreeEnsemble ensemble() {
    return model instanceof TreeEnsemble ensemble ? ensemble : null;
  }

  /** Whether the model takes missing values (NaN): XGBoost's trees do, the others do not. */
  public boolean takesMissingValues() {
    return ensemble() != null;
  }

  /**
   * The model as a differentiable one.
   *
   * @throws IllegalArgumentException for a model without input gradients, naming {@code what}
   */
  public Differentiable differentiable(String what) {
    if (model instanceof Differentiable differentiable) {
      return differentiable;
    }
    throw new IllegalArgumentException(
        what
            + " needs a differentiable model (one of ours, format truststram); a "
            + format
            + " model has no input gradients");
  }

  /**
   * Checks rows for this model: the right length, and no missing value (NaN) unless the model takes
   * them, naming the row and feature at fault as {@code what}'s.
   *
   * @throws IllegalArgumentException for a row that does not fit
   */
  public void checkRows(double[][] rows, String what) {
    int m = features.size();
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != m) {
        throw new IllegalArgumentException(
            what + ", row " + (r + 1) + ": " + rows[r].length + " values; the model takes " + m);
      }
      for (int j = 0; j < m; j++) {
        double v = rows[r][j];
        if (Double.isInfinite(v)) {
          throw new IllegalArgumentException(
              what + ", row " + (r + 1) + ": '" + features.get(j) + "' is infinite");
        }
        if (Double.isNaN(v) && !takesMissingValues()) {
          throw new IllegalArgumentException(
              what
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

  /** The SHA-256 of {@code bytes}, hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
