package io.truststram.bench;

import io.truststram.audit.log.MerkleHashes;
import io.truststram.audit.log.Proofs;
import io.truststram.sdk.AuditApi;
import io.truststram.sdk.TokenSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log's durable append rate and its proof latency, against a running server on
 * PostgreSQL. Prints one JSON object.
 *
 * <p>Appends: {@code concurrency} callers each append batches of {@code batch} entries through the
 * REST API for {@code seconds}; then as many callers append one entry per request, so that only the
 * server's group commit batches them. Every append has committed before its response.
 *
 * <p>Proofs: for a log of {@code proofLogSize} entries built directly in the database by the script
 * (tenant {@code proofTenant}), inclusion proofs of random entries through the REST API, each
 * verified against the root the server gives; latency percentiles over {@code proofs} calls.
 *
 * <p>Arguments: {@code appends} server-URL client-id secret seconds concurrency batch; or {@code
 * proofs} server-URL client-id secret proofTenant proofLogSize proofs. The script runs the appends
 * before it builds the large log, whose writes would otherwise still be flushing.
 */
public final class AuditAppends {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AuditAppends() {}

  public static void main(String[] args) throws Exception {
    URI server = URI.create(args[1]);
    TokenSource tokens = TokenSource.clientCredentials(server, args[2], args[3]);
    if (args[0].equals("appends")) {
      appends(
          AuditApi.connect(server, tokens),
          Duration.ofSeconds(Long.parseLong(args[4])),
          Integer.parseInt(args[5]),
          Integer.parseInt(args[6]));
    } else {
      proofs(server, tokens, args[4], Long.parseLong(args[5]), Integer.parseInt(args[6]));
    }
  }

  private static void appends(AuditApi audit, Duration each, int concurrency, int batch)
      throws Exception {

    List<AuditApi.NewEntry> entries = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      entries.add(
          new AuditApi.NewEntry(
              "record.viewed", "patients/" + i, "success", Map.of("ward", "7", "reason", "care")));
    }
    List<AuditApi.NewEntry> one = List.of(entries.getFirst());

    // Warm up both paths.
    Rates.perSecond(concurrency, Duration.ofSeconds(5), () -> audit.append(entries).size());
    Rates.perSecond(concurrency * 8, Duration.ofSeconds(5), () -> audit.append(one).size());

    double batched = Rates.perSecond(concurrency, each, () -> audit.append(entries).size());
    double single = Rates.perSecond(concurrency * 8, each, () -> audit.append(one).size());
    System.out.printf(
        "{\"seconds\":%d,\"concurrency\":%d,\"batch\":%d,\"batchedAppendsPerSecond\":%.0f,"
            + "\"singleCallers\":%d,\"singleAppendsPerSecond\":%.0f}%n",
        each.toSeconds(), concurrency, batch, batched, concurrency * 8, single);
  }

  private static void proofs(
      URI server, TokenSource tokens, String proofTenant, long proofLogSize, int proofs)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String token = tokens.token();
    SplittableRandom random = new SplittableRandom(42);
    long[] nanos = new long[proofs];
    int verified = 0;
    for (int i = -20; i < proofs; i++) {
      long index = random.nextLong(proofLogSize);
      long start = System.nanoTime();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      server.resolve(
                          "/api/v1/audit/proofs/inclusion?tenant="
                              + proofTenant
                              + "&index="
                              + index
                              + "&treeSize="
                              + proofLogSize))
                  .header("Authorization", "Bearer " + token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      long took = System.nanoTime() - start;
      if (response.statusCode() != 200) {
        throw new IllegalStateException("proof of " + index + ": " + response.body());
      }
      JsonNode proof = JSON.readTree(response.body());
      List<byte[]> path = new ArrayList<>();
      proof.path("auditPath").forEach(p -> path.add(Base64.getDecoder().decode(p.asString())));
      byte[] leaf = MerkleHashes.leaf(("{\"i\":" + index + "}").getBytes(StandardCharsets.UTF_8));
      boolean ok =
          Proofs.verifyInclusion(
              index,
              proofLogSize,
              leaf,
              path,
              Base64.getDecoder().decode(proof.path("rootHash").asString()));
      if (i >= 0) {
        nanos[i] = took;
        verified += ok ? 1 : 0;
      }
    }
    Arrays.sort(nanos);
    System.out.printf(
        "{\"proofLogSize\":%d,\"proofs\":%d,\"proofsVerified\":%d,"
            + "\"proofMillisP50\":%.2f,\"proofMillisP99\":%.2f}%n",
        proofLogSize,
        proofs,
        verified,
        nanos[proofs / 2] / 1e6,
        nanos[(int) (proofs * 0.99)] / 1e6);
  }
}
