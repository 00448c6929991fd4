package io.truststram.cli;

import io.truststram.explain.attention.AttentionMaps;
import io.truststram.explain.onnx.OnnxModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code truststram explain attention}: attention rollout or flow over a transformer's layers. */
@Command(
    name = "attention",
    mixinStandardHelpOptions = true,
    description = {
      "Attention rollout or attention flow (Abnar and Zuidema 2020) from a transformer's"
          + " per-layer attention weights: how much each output token draws on each input token.",
      "--attentions is a JSON file {\"tokens\": [...], \"attentions\": [layer][head][query][key]}"
          + " (or the bare array), as a runtime returns them with output_attentions."
    })
final class ExplainAttention implements java.util.concurrent.Callable<Integer> {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The largest attention file read: 256 MiB. */
  static final long MAX_BYTES = 256L << 20;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--attentions", description = "The attention weights (JSON).")
  Path attentions;

  @Option(
      names = "--model",
      description =
          "Instead of --attentions: an ONNX model whose outputs named like --attention-outputs"
              + " hold its attention, run on --inputs.")
  Path model;

  @Option(
      names = "--inputs",
      description =
          "With --model: JSON of the model's inputs by name, each a nested array (its shape is"
              + " the nesting), e.g. {\"input_ids\": [[101, 7592, 102]], \"attention_mask\":"
              + " [[1, 1, 1]]}.")
  Path inputs;

  @Option(
      names = "--attention-outputs",
      defaultValue = "attention",
      description = "With --model: the outputs whose names contain this (attention).")
  String outputPattern;

  @Option(names = "--tokens", split = ",", description = "With --model: the tokens' labels.")
  List<String> tokenLabels = new ArrayList<>();

  @Option(
      names = "--method",
      defaultValue = "rollout",
      description = "rollout (default) or flow (at most 128 tokens).")
  String method;

  @Option(
      names = "--head-fusion",
      defaultValue = "mean",
      description = "How a layer's heads combine: mean (default), max or min.")
  String fusion;

  @Option(
      names = "--token",
      defaultValue = "0",
      description = "The output token whose row the text output shows (0: [CLS]).")
  int token;

  @Option(names = "--json", description = "Print the result as one JSON object (last line).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (!method.equals("rollout") && !method.equals("flow")) {
      throw new IllegalArgumentException("--method is rollout or flow, not '" + method + "'");
    }
    AttentionMaps.HeadFusion heads = AttentionMaps.HeadFusion.of(fusion);
    if ((attentions == null) == (model == null)) {
      throw new IllegalArgumentException("give either --attentions or --model with --inputs");
    }
    double[][][][] layers;
    List<String> tokens = new ArrayList<>();
    if (model != null) {
      if (inputs == null) {
        throw new IllegalArgumentException("--model needs --inputs");
      }
      Map<String, OnnxModel.Input> given = new LinkedHashMap<>();
      readJson(inputs, "--inputs")
          .properties()
          .forEach(
              e -> {
                try {
                  given.put(
                      e.getKey(),
                      OnnxModel.Input.nested(
                          e.getKey(), JSON.treeToValue(e.getValue(), Object.class)));
                } catch (IllegalArgumentException invalid) {
                  throw new IllegalArgumentException("--inputs: " + invalid.getMessage());
                }
              });
      try (OnnxModel onnx = OnnxModel.general(ExplainCommand.Shap.readModel(model))) {
        layers = onnx.attentions(given, outputPattern);
      }
      tokens.addAll(tokenLabels);
    } else {
      JsonNode root = readJson(attentions, "--attentions");
      JsonNode weights = root.isArray() ? root : root.path("attentions");
      layers = array4(weights);
      if (root.path("tokens").isArray()) {
        root.path("tokens").forEach(t -> tokens.add(t.asString()));
      }
    }
    int n = layers[0][0].length;
    if (!tokens.isEmpty()) {
      if (tokens.size() != n) {
        throw new IllegalArgumentException(tokens.size() + " token labels for " + n + " positions");
      }
    } else {
      for (int i = 0; i < n; i++) {
        tokens.add(Integer.toString(i));
      }
    }
    if (token < 0 || token >= n) {
      throw new IllegalArgumentException("--token lies in 0.." + (n - 1));
    }
    double[][] map =
        method.equals("flow")
            ? AttentionMaps.flow(layers, heads)
            : AttentionMaps.rollout(layers, heads);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("tokens", tokens);
      result.put("method", method);
      result.put("headFusion", fusion);
      result.put("layers", layers.length);
      result.put("map", map);
      out.println(JSON.writeValueAsString(result));
    } else {
      out.printf(
          "%s of token %s over the inputs (%d layers):%n",
          method, tokens.get(token), layers.length);
      for (int j = 0; j < n; j++) {
        out.printf("  %-16s %.4f%n", tokens.get(j), map[token][j]);
      }
    }
    out.flush();
    return 0;
  }

  private static JsonNode readJson(Path file, String option) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + ": no file " + file);
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IllegalArgumentException(option + " is larger than " + MAX_BYTES + " bytes");
    }
    try {
      return JSON.readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new IllegalArgumentException(option + " is not JSON: " + e.getOriginalMessage());
    }
  }

  /** A JSON array of depth four as numbers, refusing anything else. */
  private static double[][][][] array4(JsonNode node) {
    if (!node.isArray() || node.isEmpty()) {
      throw new IllegalArgumentException(
          "--attentions holds no array of layers ([layer][head][query][key])");
    }
    double[][][][] out = new double[node.size()][][][];
    for (int l = 0; l < node.size(); l++) {
      JsonNode heads = node.get(l);
      if (!heads.isArray() || heads.isEmpty()) {
        throw new IllegalArgumentException(
            "--attentions: layer " + l + " is not an array of heads");
      }
      out[l] = new double[heads.size()][][];
      for (int h = 0; h < heads.size(); h++) {
        JsonNode rows = heads.get(h);
        if (!rows.isArray() || rows.isEmpty()) {
          throw new IllegalArgumentException(
              "--attentions: layer " + l + " head " + h + " is not a matrix");
        }
        out[l][h] = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
          JsonNode row = rows.get(i);
          if (!row.isArray()) {
            throw new IllegalArgumentException(
                "--attentions: layer " + l + " head " + h + " row " + i + " is not an array");
          }
          out[l][h][i] = new double[row.size()];
          for (int j = 0; j < row.size(); j++) {
            if (!row.get(j).isNumber()) {
              throw new IllegalArgumentException(
                  "--attentions: layer " + l + " head " + h + " row " + i + " has a non-number");
            }
            out[l][h][i][j] = row.get(j).asDouble();
          }
        }
      }
    }
    return out;
  }
}
