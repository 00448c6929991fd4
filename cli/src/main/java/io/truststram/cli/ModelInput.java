package io.truststram.cli;

import java.io.IOException;
import java.nio.file.Path;
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
  String onnxOutput;

  @Option(
      names = "--data",
      required = true,
      description =
          "CSV of rows with a header naming the model's features (empty, NA or NaN for a missing"
              + " value, where the model takes them).")
  Path data;

  /** The model file. */
  ModelFile read() throws IOException {
    return ModelFile.read(model, format, onnxOutput);
  }
}
