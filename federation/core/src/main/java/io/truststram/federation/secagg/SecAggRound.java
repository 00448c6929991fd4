package io.truststram.federation.secagg;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What every party of one secure round agrees on before it starts: the federation, round and
 * attempt (bound into every signature, box and mask, so nothing carries over to another round), the
 * clients in index order, the public seed of the communication graph, the length of the model
 * vector and the parameters.
 *
 * @param federation the federation's id
 * @param round the round number
 * @param attempt the attempt of that round
 * @param clients the participants' ids; a client's index is its position here
 * @param graphSeed the seed of the {@link CommunicationGraph}
 * @param length the number of model values each client sends
 * @param parameters the protocol's parameters
 */
public record SecAggRound(
    String federation,
    int round,
    int attempt,
    List<String> clients,
    long graphSeed,
    int length,
    SecAggParameters parameters) {

  public SecAggRound {
    clients = List.copyOf(clients);
    if (clients.size() < 2) {
      throw new IllegalArgumentException("secure aggregation needs 2 or more clients");
    }
    if (clients.size() > 65_534) {
      throw new IllegalArgumentException("secure aggregation takes at most 65534 clients a round");
    }
    if (length < 1) {
      throw new IllegalArgumentException("the model has at least one value, not " + length);
    }
    parameters.validate(clients.size(), length);
  }

  /** The label that binds a message to this round. */
  public String label() {
    return "truststram secagg v1|" + federation + "|" + round + "|" + attempt;
  }

  byte[] labelBytes(String purpose, int from, int to) {
    return (label() + "|" + purpose + "|" + from + "|" + to).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * SHA-256 of everything the parties must agree on besides the label: the parameters, the
   * participants in order, the graph's seed and the length.
   */
  public byte[] contextDigest() {
    String context =
        parameters.toMap() + "|" + String.join(",", clients) + "|" + graphSeed + "|" + length;
    return io.truststram.crypto.primitive.Digests.sha256(context.getBytes(StandardCharsets.UTF_8));
  }

  /** The round's graph. */
  public CommunicationGraph graph() {
    return CommunicationGraph.of(clients.size(), shares(), graphSeed);
  }

  /** k, each neighbourhood's size. */
  public int shares() {
    return parameters.sharesFor(clients.size());
  }

  /** t, the shares that recover a secret. */
  public int threshold() {
    return parameters.thresholdFor(clients.size());
  }

  /** Client {@code index}'s id. */
  public String client(int index) {
    return clients.get(index);
  }

  /** The index of the client {@code id}, or −1. */
  public int indexOf(String id) {
    return clients.indexOf(id);
  }

  /** The number of words a masked input carries: the values, then the weight. */
  public int words() {
    return length + 1;
  }
}
