package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code truststram trust eigentrust|sybilrank|communities} on small graphs worked by hand. */
class TrustCommandTest extends CommandLineTestSupport {

  @TempDir Path directory;

  @Test
  void eigenTrustOfATriangleWithAPretrustedNode() throws Exception {
    // alice -> bob -> carol -> alice, alice pre-trusted, a = 0.2:
    // t_a = 0.8 t_c + 0.2, t_b = 0.8 t_a, t_c = 0.8 t_b  =>  t_a = 0.2 / (1 - 0.512).
    Path edges = directory.resolve("edges.csv");
    Files.writeString(edges, "source,target,weight\nalice,bob,1\nbob,carol,2\ncarol,alice,1\n");
    JsonNode result =
        json(
            "trust",
            "eigentrust",
            "--edges",
            edges.toString(),
            "--pretrusted",
            "alice",
            "--alpha",
            "0.2",
            "--tolerance",
            "1e-14",
            "--explain",
            "carol",
            "--json");
    double a = 0.2 / (1 - 0.512);
    assertThat(result.path("scores").path("alice").asDouble()).isCloseTo(a, within(1e-12));
    assertThat(result.path("scores").path("bob").asDouble()).isCloseTo(0.8 * a, within(1e-12));
    assertThat(result.path("scores").path("carol").asDouble()).isCloseTo(0.64 * a, within(1e-12));
    assertThat(result.path("iterations").asInt()).isPositive();
    assertThat(result.path("explanation").path("contributions").get(0).path("from").asString())
        .isEqualTo("bob");
    // The path that carries most of carol's trust starts at the pre-trusted alice.
    JsonNode path = result.path("explanation").path("paths").get(0);
    assertThat(path.path("path").get(0).asString()).isEqualTo("alice");
    assertThat(path.path("path").get(2).asString()).isEqualTo("carol");
    // alice's own share a·p reaches carol through two steps of 0.8: 0.2 · 0.8 · 0.8.
    assertThat(path.path("amount").asDouble()).isCloseTo(0.2 * 0.64, within(1e-12));
  }

  @Test
  void communitiesAndSybilRankAndBadInput() throws Exception {
    Path edges = directory.resolve("cliques.csv");
    StringBuilder csv = new StringBuilder("source,target\n");
    for (String side : new String[] {"a", "b"}) {
      for (int i = 0; i < 4; i++) {
        for (int j = i + 1; j < 4; j++) {
          csv.append(side).append(i).append(',').append(side).append(j).append('\n');
        }
      }
    }
    csv.append("a0,b0\n");
    Files.writeString(edges, csv.toString());
    JsonNode communities = json("trust", "communities", "--edges", edges.toString(), "--json");
    JsonNode best = communities.path("levels").get(communities.path("levels").size() - 1);
    assertThat(best.path("communities").asInt()).isEqualTo(2);
    assertThat(best.path("membership").path("a3").asInt())
        .isEqualTo(best.path("membership").path("a1").asInt());
    JsonNode sybil =
        json("trust", "sybilrank", "--edges", edges.toString(), "--seeds", "a1", "--json");
    assertThat(sybil.path("scores").path("a2").asDouble())
        .isGreaterThan(sybil.path("scores").path("b2").asDouble());
    Path loop = directory.resolve("loop.csv");
    Files.writeString(loop, "source,target,weight\nx,x,1\n");
    assertThat(run("trust", "eigentrust", "--edges", loop.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("rates itself");
    Path nan = directory.resolve("nan.csv");
    Files.writeString(nan, "source,target,weight\nx,y,NaN\n");
    assertThat(run("trust", "eigentrust", "--edges", nan.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("not finite");
    assertThat(run("trust", "eigentrust", "--edges", edges.toString(), "--pretrusted", "zed"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'zed' is not in the graph");
    Path negative = directory.resolve("negative.csv");
    Files.writeString(negative, "source,target,weight\nx,y,-1\n");
    assertThat(run("trust", "communities", "--edges", negative.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("non-negative");
  }
}
