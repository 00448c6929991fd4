package io.truststram.explain;

import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.Classifiers;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One of our own classifiers with its parameters, as a {@link Differentiable} model whose outputs
 * are the class probabilities: what {@code truststram fl simulate --model} writes (a safetensors
 * file with a {@code parameters} tensor and the model's description in its metadata).
 *
 * @param classifier the architecture
 * @param parameters its parameters
 * @param metadata the model file's metadata (empty for a model built in code)
 */
public record ClassifierModel(
    Classifier classifier, float[] parameters, Map<String, String> metadata)
    implements Differentiable {

  public ClassifierModel {
    if (parameters.length != classifier.parameterCount()) {
      throw new IllegalArgumentException(
          classifier.describe()
              + " has "
              + classifier.parameterCount()
              + " parameters, not "
              + parameters.length);
    }
    metadata = Map.copyOf(metadata);
  }

  /**
   * Reads a TrustStram model file.
   *
   * @throws IllegalArgumentException when the file is not one, saying why
   */
  public static ClassifierModel read(Path file) throws IOException {
    try {
      return parse(Files.readAllBytes(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  /**
   * Parses a TrustStram model file's bytes.
   *
   * @throws IllegalArgumentException when they are not one, saying why
   */
  public static ClassifierModel parse(byte[] bytes) {
    SafeTensors.Contents contents;
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      contents = SafeTensors.read(in, SafeTensors.Limits.DEFAULT);
    } catch (io.truststram.ml.safetensors.InvalidSafeTensorsException | IOException e) {
      throw new IllegalArgumentException("not a safetensors file: " + e.getMessage());
    }
    String file = "the model file";
    String description = contents.metadata().get("model");
    if (description == null) {
      throw new IllegalArgumentException(
          file + " has no 'model' entry in its metadata: it was not written by TrustStram");
    }
    Tensor parameters = contents.tensors().get("parameters");
    if (parameters == null) {
      throw new IllegalArgumentException(file + " has no 'parameters' tensor");
    }
    float[] values;
    try {
      values = parameters.toFloats();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
    return new ClassifierModel(
        Classifiers.fromDescription(description), values, contents.metadata());
  }

  /**
   * The feature names: those the model file records (a JSON array in its {@code features} metadata,
   * as {@code fl simulate} writes), or {@code f0}, {@code f1}, … (then a data file's columns are
   * taken by position, as for an XGBoost model without names).
   *
   * @throws IllegalArgumentException when the recorded names are not a JSON array of as many
   *     strings as the model has inputs
   */
  public List<String> featureNames() {
    String names = metadata.get("features");
    if (names == null || names.isBlank()) {
      return java.util.stream.IntStream.range(0, features()).mapToObj(i -> "f" + i).toList();
    }
    List<String> out = new java.util.ArrayList<>();
    try {
      tools.jackson.databind.JsonNode array =
          tools.jackson.databind.json.JsonMapper.builder().build().readTree(names);
      if (array.isArray()) {
        array.forEach(node -> out.add(node.isString() ? node.asString() : ""));
      }
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalArgumentException("the model file's feature names are not a JSON array");
    }
    if (out.size() != features()
        || out.contains("")
        || new java.util.HashSet<>(out).size() != out.size()) {
      throw new IllegalArgumentException(
          "the model file names "
              + out.size()
              + " distinct features; the model takes "
              + features());
    }
    return List.copyOf(out);
  }

  @Override
  public int features() {
    return classifier.inputs();
  }

  @Override
  public int outputs() {
    return classifier.classes();
  }

  @Override
  public void predict(double[][] rows, double[][] out) {
    for (int r = 0; r < rows.length; r++) {
      classifier.probabilities(parameters, rows[r], out[r]);
    }
  }

  @Override
  public void gradient(double[] row, int output, double[] outputs, double[] gradient) {
    if (output < 0 || output >= outputs()) {
      throw new IllegalArgumentException(
          "output " + output + " of a model of " + outputs() + " outputs");
    }
    classifier.inputGradient(parameters, row, output, outputs, gradient);
  }
}
