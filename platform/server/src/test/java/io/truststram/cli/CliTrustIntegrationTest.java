package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram trust ...} against the server signed in to: import a graph from CSV files,
 * compute, read scores, rankings, explanations and communities, and gate on a policy by exit code.
 */
class CliTrustIntegrationTest extends ServerIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path work;

  private static JsonNode json(CliRun run) {
    return run.lastJson();
  }

  @Test
  void aGraphIsImportedScoredExplainedAndGatedFromTheCommandLine() throws Exception {
    var tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("cli-trust-" + System.nanoTime(), "CLI trust"))
            .id();
    String config = work.resolve("config").toString();
    CliRun.login(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST), config);

    Path entities = work.resolve("entities.csv");
    Files.writeString(
        entities,
        "id,type,name,pretrusted\n"
            + "hospital-a,organisation,Hospital A,true\n"
            + "node-a,client-node,,false\n"
            + "node-b,client-node,,\n"
            + "triage-agent,agent,Triage agent,false\n");
    Path relationships = work.resolve("relationships.csv");
    Files.writeString(
        relationships,
        "source,target,type,weight\n"
            + "hospital-a,node-a,TRUSTS,2\n"
            + "hospital-a,node-b,trusts,1\n"
            + "node-a,triage-agent,TRUSTS,\n"
            + "node-a,node-b,COLLABORATED_WITH,3\n");
    Path evidence = work.resolve("evidence.csv");
    Files.writeString(
        evidence,
        "subject,outcome,source,kind,weight,observed_at\n"
            + "triage-agent,negative,node-b,agent.call,2,\n"
            + "node-b,negative,,audit.verification,,2026-01-01T00:00:00Z\n");
    JsonNode imported =
        json(
            CliRun.of(
                "trust",
                "import",
                "--entities",
                entities.toString(),
                "--relationships",
                relationships.toString(),
                "--evidence",
                evidence.toString(),
                "--config-dir",
                config,
                "--json"));
    assertThat(imported.path("entities").asInt()).isEqualTo(4);
    assertThat(imported.path("relationships").asInt()).isEqualTo(4);
    assertThat(imported.path("evidence").asInt()).isEqualTo(2);

    JsonNode computed = json(CliRun.of("trust", "compute", "--config-dir", config, "--json"));
    assertThat(computed.path("entities").asInt()).isEqualTo(4);

    JsonNode score = json(CliRun.of("trust", "score", "node-a", "--config-dir", config, "--json"));
    assertThat(score.path("eigentrust").asDouble()).isPositive();
    JsonNode top =
        json(
            CliRun.of(
                "trust",
                "top",
                "--type",
                "client-node",
                "--top",
                "1",
                "--config-dir",
                config,
                "--json"));
    assertThat(top.path("scores").get(0).path("entity").asString()).isEqualTo("node-a");

    CliRun explained = CliRun.of("trust", "explain", "triage-agent", "--config-dir", config);
    assertThat(explained.exit()).as(explained.err()).isZero();
    assertThat(explained.out()).contains("node-a", "hospital-a -> node-a -> triage-agent");

    JsonNode groups =
        json(CliRun.of("trust", "tenant-communities", "--config-dir", config, "--json"));
    assertThat(groups.path("communities").size()).isPositive();

    json(
        CliRun.of(
            "trust",
            "policy",
            "agents",
            "--kind",
            "reputation",
            "--minimum",
            "0.4",
            "--types",
            "agent",
            "--config-dir",
            config,
            "--json"));
    CliRun refused =
        CliRun.of("trust", "check", "agents", "triage-agent", "--config-dir", config, "--json");
    assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
    assertThat(JSON.readTree(refused.out().lines().toList().getLast()).path("passed").asBoolean())
        .isFalse();
    assertThat(CliRun.of("trust", "check", "agents", "node-a", "--config-dir", config).exit())
        .isZero();

    // Bad input: a clear message and a non-zero exit, nothing written.
    Path bad = work.resolve("bad.csv");
    Files.writeString(bad, "source,target,type\nnode-a,ghost,TRUSTS\n");
    CliRun unknown =
        CliRun.of("trust", "import", "--relationships", bad.toString(), "--config-dir", config);
    assertThat(unknown.exit()).isNotZero();
    assertThat(unknown.err()).contains("ghost").doesNotContain("Exception");
  }
}
