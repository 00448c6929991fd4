package io.truststram.cli;

import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram fl analyze}: asks a federation's nodes for an analysis (fairness by group,
 * global importance) of a model version or the final model, waits for it, and prints the result.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Ask a federation's nodes for a federated analysis (fairness, importance) and print its"
          + " result: each node sends a summary of its own rows, never the rows.",
      "Exit 0 when it completed, 1 when it failed (the reason is printed), 2 for bad input."
    })
final class FlAnalyzeCommand implements Callable<Integer> {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "The federation's id.")
  String federation;

  @Option(names = "--kind", required = true, description = "fairness or importance.")
  String kind;

  @Option(
      names = "--spec",
      required = true,
      description = "A JSON file with the analysis's spec (docs/federation/analytics.md).")
  Path specFile;

  @Option(
      names = "--model-version",
      description = "The model version to analyse (default: the final model).")
  Integer modelVersion;

  @Option(
      names = "--wait",
      defaultValue = "600",
      description = "Seconds to wait for the result (default ${DEFAULT-VALUE}; 0: do not wait).")
  int wait;

  @Option(names = "--json", description = "Print the analysis as one JSON object.")
  boolean json;

  @Option(names = "--config-dir", hidden = true)
  Path configDir;

  @Override
  public Integer call() throws Exception {
    if (wait < 0 || wait > 86_400) {
      throw new IllegalArgumentException("--wait is 0 to 86,400 seconds");
    }
    Map<String, Object> body = readSpec(specFile);
    LoginCommand.Credentials credentials =
        LoginCommand.Credentials.load(LoginCommand.Credentials.directory(configDir));
    TrustStramApi api =
        TrustStramApi.connect(
            URI.create(credentials.server()), TokenSource.bearer(credentials.accessToken()));
    TrustStramApi.Analysis analysis = api.requestAnalysis(federation, kind, body, modelVersion);
    if (wait > 0) {
      analysis = await(api, federation, analysis.id(), wait);
    }
    PrintWriter out = spec.commandLine().getOut();
    print(analysis, json, out);
    return analysis.state().equals("failed") ? 1 : 0;
  }

  /**
   * A spec from a JSON file.
   *
   * @throws IllegalArgumentException when the file is missing or not a JSON object
   */
  static Map<String, Object> readSpec(Path file) throws IOException {
    try {
      return JSON.readValue(Files.readString(file), new TypeReference<Map<String, Object>>() {});
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no spec file " + file);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + " is not a JSON object: " + e.getOriginalMessage());
    }
  }

  /** The analysis once it ended, or as it stands after {@code seconds}. */
  static TrustStramApi.Analysis await(TrustStramApi api, String federation, String id, int seconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    TrustStramApi.Analysis analysis = api.analysis(federation, id);
    while (!analysis.ended() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      analysis = api.analysis(federation, id);
    }
    return analysis;
  }

  static void print(TrustStramApi.Analysis analysis, boolean json, PrintWriter out) {
    if (json) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("id", analysis.id());
      line.put("kind", analysis.kind());
      line.put("state", analysis.state());
      line.put("modelVersion", analysis.modelVersion());
      line.put("contributors", analysis.contributors());
      line.put("declined", analysis.declined());
      line.put("result", analysis.result());
      line.put("failure", analysis.failure());
      out.println(JSON.writeValueAsString(Map.of("analysis", line)));
    } else {
      out.printf(
          Locale.ROOT,
          "analysis %s (%s): %s, %d summaries, %d declined%s%n",
          analysis.id(),
          analysis.kind(),
          analysis.state(),
          analysis.contributors(),
          analysis.declined(),
          analysis.failure() == null ? "" : ": " + analysis.failure());
      if (analysis.result() != null) {
        if (analysis.result().has("metrics")) {
          analysis
              .result()
              .path("metrics")
              .properties()
              .forEach(e -> out.printf(Locale.ROOT, "  %-40s %s%n", e.getKey(), e.getValue()));
        } else {
          out.println("  " + analysis.result());
        }
      }
    }
    out.flush();
  }
}
