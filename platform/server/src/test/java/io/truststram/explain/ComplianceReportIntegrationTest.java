package io.truststram.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.SignOptions;
import io.truststram.platform.testing.HttpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A compliance report of the example XGBoost model: its HTML has the model card's sections mapped
 * to Annex IV, its PDF is a PDF, both hash into the manifest, and the manifest's signature verifies
 * with the tenant's published key.
 */
class ComplianceReportIntegrationTest extends ExplainIntegrationTest {

  private static final String API = "/api/v1/explanations/reports";

  private HttpTestClient scientist;

  @BeforeEach
  void tenant() {
    scientist = scientist(newTenant());
  }

  @Test
  void aSignedReportOfTheModel() throws Exception {
    String model = ExplanationApiIntegrationTest.upload(scientist);
    List<String> lines =
        Files.readAllLines(ExplanationApiIntegrationTest.EXAMPLES.resolve("adult-background.csv"));
    List<String> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> sex = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      rows.add("[" + line + "]");
      // A label the model should mostly get: married with more than 12 years of schooling.
      labels.add(Boolean.toString(f[6].equals("1") && Double.parseDouble(f[1]) > 12));
      sex.add(f[5].equals("1") ? "\"Male\"" : "\"Female\"");
    }
    String body =
        "{\"model\":\""
            + model
            + "\",\"title\":\"Adult income model <v1>\","
            + "\"intendedUse\":\"Ranking applications for review; not for automatic refusal.\","
            + "\"trainingData\":\"UCI Adult, adult.data.\",\"limitations\":\"US census of 1994.\","
            + "\"evaluation\":{\"rows\":["
            + String.join(",", rows)
            + "],\"labels\":["
            + String.join(",", labels)
            + "],\"attributes\":{\"sex\":["
            + String.join(",", sex)
            + "]},\"bootstrap\":50}}";
    var created = scientist.postJson(API, body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode report = created.json();
    String id = report.path("id").asString();
    var html = scientist.get(API + "/" + id + "/report.html");
    assertThat(html.status()).isEqualTo(200);
    assertThat(html.contentType()).startsWith("text/html");
    assertThat(html.body())
        .contains("Adult income model &lt;v1&gt;")
        .contains("Intended use")
        .contains("Annex IV 2(g)")
        .contains("demographic_parity_difference")
        .contains("sex=Female")
        .contains("<svg");
    byte[] pdf = scientist.getBytes(API + "/" + id + "/report.pdf");
    assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    JsonNode manifest = report.path("manifest");
    assertThat(manifest.path("htmlSha256").asString())
        .isEqualTo(sha256(html.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(manifest.path("pdfSha256").asString()).isEqualTo(sha256(pdf));
    JsonNode signature = report.path("signature");
    JsonNode key = scientist.get(API + "/public-keys").json().get(0);
    assertThat(key.path("version").asInt()).isEqualTo(signature.path("keyVersion").asInt());
    byte[] signed = report.path("signedManifest").asString().getBytes(StandardCharsets.UTF_8);
    assertThat(verifies(signature, key, signed)).isTrue();
    signed[signed.length / 2] ^= 1;
    assertThat(verifies(signature, key, signed)).isFalse();
    assertThat(scientist.get(API + "/" + id).json().path("title").asString())
        .isEqualTo("Adult income model <v1>");
    var missing = scientist.get(API + "/" + java.util.UUID.randomUUID());
    assertThat(missing.status()).isEqualTo(404);
  }

  private static boolean verifies(JsonNode signature, JsonNode key, byte[] message) {
    return Primitives.signer(Algorithm.of(signature.path("algorithm").asString()), SignOptions.NONE)
        .verify(
            Base64.getDecoder().decode(key.path("publicKey").asString()),
            message,
            Base64.getDecoder().decode(signature.path("value").asString()),
            SignOptions.NONE);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
