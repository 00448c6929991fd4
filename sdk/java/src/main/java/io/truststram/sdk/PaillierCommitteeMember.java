package io.truststram.sdk;

import io.truststram.crypto.homomorphic.Paillier;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * One member of the committee that decrypts a Paillier federation's sums: with its share of the
 * dealt key, which never leaves this process, it waits for each round's encrypted sum, decrypts it
 * partially, proves the partial decryption correct, and sends both, until the federation ends. The
 * coordinator combines the committee's threshold of them into the sum; no member, and not the
 * coordinator, can decrypt alone. It acts as one of the federation's nodes (the node's own
 * credentials), which need not be a node that trains.
 */
public final class PaillierCommitteeMember {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Http http;
  private final String federationId;
  private final String nodeId;
  private final Paillier.ThresholdPublicKey key;
  private final Paillier.KeyShare share;
  private final Consumer<String> events;

  /**
   * Member {@code share.index()} of {@code federationId}'s committee on {@code server}, acting as
   * node {@code nodeId} with that node's {@code tokens}.
   */
  public PaillierCommitteeMember(
      java.net.URI server,
      TokenSource tokens,
      String federationId,
      String nodeId,
      Paillier.ThresholdPublicKey key,
      Paillier.KeyShare share,
      Consumer<String> events) {
    this.http = new Http(server, tokens);
    this.federationId = federationId;
    this.nodeId = nodeId;
    this.key = key;
    this.share = share;
    this.events = events;
  }

  /** Decrypts round after round; returns the federation's final state. */
  public String run() throws IOException {
    String base = "/api/v1/federations/" + federationId;
    Base64.Decoder decoder = Base64.getDecoder();
    Base64.Encoder encoder = Base64.getEncoder();
    while (true) {
      JsonNode work =
          http.json(
              http.request(base + "/paillier/committee/" + nodeId + "?wait=30", TIMEOUT).GET());
      if (work == null) {
        continue;
      }
      if (work.path("kind").asString().equals("finished")) {
        return work.path("state").asString();
      }
      int round = work.path("round").asInt();
      List<BigInteger> ciphertexts = new ArrayList<>();
      for (JsonNode c : work.path("ciphertexts")) {
        ciphertexts.add(new BigInteger(1, decoder.decode(c.asString())));
      }
      Paillier.PartialDecryption partial = Paillier.partialDecrypt(key, share, ciphertexts, RANDOM);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("attempt", work.path("attempt").asInt());
      body.put("index", partial.index());
      body.put("verificationKey", encoder.encodeToString(partial.verificationKey().toByteArray()));
      body.put(
          "partials",
          partial.values().stream().map(v -> encoder.encodeToString(v.toByteArray())).toList());
      body.put("challenge", encoder.encodeToString(partial.challenge().toByteArray()));
      body.put("response", encoder.encodeToString(partial.response().toByteArray()));
      try {
        HttpResponse<java.io.InputStream> response =
            http.stream(
                http.request(base + "/rounds/" + round + "/paillier/committee/" + nodeId, TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(Http.jsonBody(body)));
        response.body().close();
        events.accept(
            "round "
                + round
                + ": member "
                + share.index()
                + " decrypted its part of the sum of "
                + work.path("inputs").asInt()
                + " inputs");
      } catch (TrustStramException e) {
        if (e.status() != 409) {
          throw e;
        }
        // The round moved on, or enough members answered first.
        events.accept("round " + round + ": " + e.getMessage());
      }
    }
  }

  /** A member's share of a dealt key, as {@code truststram fl paillier deal} writes it. */
  public record Share(Paillier.ThresholdPublicKey key, Paillier.KeyShare share) {}

  /**
   * Reads a member's share file.
   *
   * @throws IOException when there is no such file
   * @throws IllegalArgumentException when it is not a share file
   */
  public static Share readShare(java.nio.file.Path file) throws IOException {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new IOException("no share file " + file);
    }
    JsonNode node = Http.JSON.readTree(java.nio.file.Files.readString(file));
    try {
      if (!node.path("kind").asString("").equals("paillier-share")) {
        throw new IllegalArgumentException("not a Paillier key share");
      }
      int index = node.path("index").asInt();
      Paillier.ThresholdPublicKey key =
          new Paillier.ThresholdPublicKey(
              new Paillier.PublicKey(new BigInteger(node.path("n").asString(), 16)),
              node.path("parties").asInt(),
              node.path("threshold").asInt());
      if (index < 1 || index > key.parties()) {
        throw new IllegalArgumentException("its index is not one of the committee's");
      }
      return new Share(
          key, new Paillier.KeyShare(index, new BigInteger(node.path("secret").asString(), 16)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + " is not a Paillier key share: " + e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not a Paillier key share: " + e.getMessage());
    }
  }
}
