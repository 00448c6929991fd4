package io.truststram.cli;

import io.truststram.explain.LoadedModel;
import io.truststram.explain.Rows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options every {@code explain} command reads a model and its rows with. */
final class ModelInput {

  @Option(
      names = "--model",
      required = true,
      description =
          "The model file: XGBoost JSON (Booster.save_model(\"m.json\")), one of ours (fl"
              + " simulate --model) or ONNX.")
  Path model;

  @Option(
      names = "--model-format",
      defaultValue = "auto",
      description =
          "xgboost-json, truststram, onnx, or auto (default: told by the file's content).")
  String format;

  @Option(
      names = "--onnx-output",
      description =
          "The ONNX model's output to explain (default the first float output [rows] or [rows,"
              + " outputs], e.g. probabilities).")
  @Nullable String onnxOutput;

  @Option(
      names = "--data",
      required = true,
      description =
          "CSV of rows with a header naming the model's features (empty, NA or NaN for a missing"
              + " value, where the model takes them).")
  Path data;

  /** The model file. */
  LoadedModel read() throws IOException {
    if (!format.equals("auto") && !Set.of("xgboost-json", "truststram", "onnx").contains(format)) {
      throw new IllegalArgumentException(
          "--model-format is " + LoadedModel.FORMATS + " or auto, not '" + format + "'");
    }
    return LoadedModel.read(ExplainCommand.Shap.readModel(model), format, onnxOutput);
  }

  /**
   * The rows of a CSV file, in the model's feature order; a model that cannot take missing values
   * (ours, ONNX) refuses them.
   */
  static double[][] rows(LoadedModel file, Path csv, String option, Set<String> ignored)
      throws IOException {
    double[][] rows =
        Rows.read(ExplainCommand.Shap.table(csv, option), file.features(), option, ignored);
    file.checkRows(rows, option);
    return rows;
  }
}
