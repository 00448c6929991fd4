package io.truststram.sdk;

import io.truststram.crypto.homomorphic.Paillier;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The key holder of a federation that aggregates with Paillier: it waits for each round's encrypted
 * sum, decrypts it with the private key that never leaves this process, and sends the plaintexts
 * back, until the federation ends. The coordinator learns the sum and nothing else; the key holder
 * learns the sum and nothing else, since it sees no single node's ciphertext. A decryption the
 * coordinator cannot read as a sum in range (a wrong key) is refused and the round keeps waiting
 * until its deadline.
 */
public final class PaillierKeyHolder {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final Http http;
  private final TokenSource tokens;
  private final String federationId;
  private final Paillier.PrivateKey key;
  private final Consumer<String> events;

  /** The key holder of {@code federationId} on {@code server}, with the owner's {@code tokens}. */
  public PaillierKeyHolder(
      java.net.URI server,
      TokenSource tokens,
      String federationId,
      Paillier.PrivateKey key,
      Consumer<String> events) {
    this.http = new Http(server, tokens);
    this.tokens = tokens;
    this.federationId = federationId;
    this.key = key;
    this.events = events;
  }

  /** Decrypts round after round; returns the federation's final state. */
  public String run() throws IOException {
    TrustStramApi api = TrustStramApi.connect(http.server(), tokens);
    while (true) {
      TrustStramApi.Federation federation = api.federation(federationId);
      if (federation.ended()) {
        return federation.state();
      }
      int round = Math.max(1, federation.currentRound());
      JsonNode sum;
      try {
        sum = http.json(http.request(path(round) + "?wait=30", TIMEOUT).GET());
      } catch (TrustStramException e) {
        if (e.status() == 409) {
          // Not open (yet, or any more): look at the federation again shortly.
          sleep();
          continue;
        }
        throw e;
      }
      if (sum == null) {
        continue;
      }
      List<String> plaintexts = new ArrayList<>();
      Base64.Decoder decoder = Base64.getDecoder();
      Base64.Encoder encoder = Base64.getEncoder();
      for (JsonNode c : sum.path("ciphertexts")) {
        BigInteger plain = key.decrypt(new BigInteger(1, decoder.decode(c.asString())));
        plaintexts.add(encoder.encodeToString(plain.toByteArray()));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("attempt", sum.path("attempt").asInt());
      body.put("plaintexts", plaintexts);
      try {
        HttpResponse<java.io.InputStream> response =
            http.stream(
                http.request(path(round), TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(Http.jsonBody(body)));
        response.body().close();
        events.accept(
            "round " + round + ": decrypted the sum of " + sum.path("inputs").asInt() + " inputs");
      } catch (TrustStramException e) {
        if (e.status() != 409) {
          throw e;
        }
        events.accept("round " + round + ": " + e.getMessage());
      }
    }
  }

  private String path(int round) {
    return "/api/v1/federations/" + federationId + "/rounds/" + round + "/paillier/sum";
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }
}
