package io.truststram.federation.internal;

import io.truststram.federation.NodesDropped;
import io.truststram.federation.ProofRejected;
import io.truststram.federation.UpdatesScored;
import io.truststram.trust.TrustScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Async;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Closes the loop between federations and trust (when the trust service runs in this process): each
 * round scored by attack detection becomes evidence about its client nodes in the federation
 * owner's trust graph.
 *
 * <ul>
 *   <li>an update that was not flagged: positive evidence of kind {@code federation.update};
 *   <li>a flagged update: negative evidence of that kind, with its reasons;
 *   <li>a node the round quarantined: further negative evidence, {@code federation.quarantine};
 *   <li>the round's nodes (up to 64) are linked pairwise by {@code COLLABORATED_WITH};
 *   <li>a node chosen for a round that sent nothing before it closed: negative evidence of kind
 *       {@code federation.dropout}, weighing {@value #DROPOUT_WEIGHT} of a flagged update (networks
 *       fail; dropping out often is what counts);
 *   <li>a node whose cryptographic proof did not verify (a Paillier committee member's partial
 *       decryption or verification key): negative evidence of kind {@code
 *       federation.proof-rejected}, weighing {@value #PROOF_WEIGHT} updates' outcomes (an honest
 *       node's proofs verify).
 * </ul>
 */
class TrustFeedback {

  /** A dropout's weight as evidence, against 1 for an update's outcome. */
  static final double DROPOUT_WEIGHT = 0.5;

  /** A rejected proof's weight as evidence. */
  static final double PROOF_WEIGHT = 3;

  private final ObjectProvider<TrustScores> trust;

  TrustFeedback(ObjectProvider<TrustScores> trust) {
    this.trust = trust;
  }

  @Async
  @TransactionalEventListener
  void on(UpdatesScored event) {
    trust.ifAvailable(scores -> record(scores, event));
  }

  @Async
  @TransactionalEventListener
  void on(NodesDropped event) {
    trust.ifAvailable(scores -> record(scores, event));
  }

  @Async
  @TransactionalEventListener
  void on(ProofRejected event) {
    trust.ifAvailable(scores -> record(scores, event));
  }

  static void record(TrustScores trust, ProofRejected event) {
    trust.observe(
        event.tenant(),
        List.of(
            new TrustScores.Observation(
                event.node().toString(),
                "client-node",
                "federation.proof-rejected",
                false,
                PROOF_WEIGHT,
                event.at(),
                Map.of(
                    "federation", event.federationId().toString(),
                    "round", Integer.toString(event.round()),
                    "attempt", Integer.toString(event.attempt()),
                    "check", event.what(),
                    "detail", event.detail()),
                null)),
        List.of());
  }

  static void record(TrustScores trust, NodesDropped event) {
    List<TrustScores.Observation> observations = new ArrayList<>();
    for (UUID node : event.nodes()) {
      observations.add(
          new TrustScores.Observation(
              node.toString(),
              "client-node",
              "federation.dropout",
              false,
              DROPOUT_WEIGHT,
              event.at(),
              Map.of(
                  "federation",
                  event.federationId().toString(),
                  "round",
                  Integer.toString(event.round()),
                  "attempt",
                  Integer.toString(event.attempt())),
              null));
    }
    trust.observe(event.tenant(), observations, List.of());
  }

  static void record(TrustScores trust, UpdatesScored event) {
    List<TrustScores.Observation> observations = new ArrayList<>();
    List<String> nodes = new ArrayList<>();
    for (UpdatesScored.Score score : event.scores()) {
      String id = score.nodeId().toString();
      nodes.add(id);
      Map<String, String> details = new LinkedHashMap<>();
      details.put("federation", event.federationId().toString());
      details.put("round", Integer.toString(event.round()));
      details.put("owner", score.nodeTenant().toString());
      details.put("medianDistance", Double.toString(score.medianDistance()));
      details.put("cosine", Double.toString(score.cosine()));
      if (score.flagged()) {
        details.put("reasons", String.join(",", score.reasons()));
      }
      observations.add(
          new TrustScores.Observation(
              id,
              "client-node",
              "federation.update",
              !score.flagged(),
              1,
              event.scoredAt(),
              details,
              null));
    }
    for (UUID node : event.quarantined()) {
      observations.add(
          new TrustScores.Observation(
              node.toString(),
              "client-node",
              "federation.quarantine",
              false,
              1,
              event.scoredAt(),
              Map.of(
                  "federation",
                  event.federationId().toString(),
                  "round",
                  Integer.toString(event.round())),
              null));
    }
    trust.observe(event.tenant(), observations, nodes);
  }
}
