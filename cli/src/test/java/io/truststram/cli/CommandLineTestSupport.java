package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the command line in process and keeps what it printed, for the commands' tests. */
abstract class CommandLineTestSupport {

  static final JsonMapper JSON = JsonMapper.builder().build();

  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  /** Runs {@code truststram args...}; returns its exit code. */
  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine line = TrustStramCli.commandLine();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    return line.execute(args);
  }

  /** The last line of output as JSON, after a run that must succeed. */
  JsonNode json(String... args) {
    int exit = run(args);
    assertThat(exit).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    return JSON.readTree(lines.getLast());
  }
}
