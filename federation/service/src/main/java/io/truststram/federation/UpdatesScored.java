package io.truststram.federation;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A round of a federation with attack detection ({@code detect(...)}) closed, and every update it
 * aggregated was scored against the others; the trust service weighs nodes by these.
 *
 * @param federationId the federation
 * @param tenant its owner
 * @param round the round
 * @param scores each update's scores
 * @param quarantined nodes this round's flags excluded from later rounds
 * @param scoredAt when
 */
public record UpdatesScored(
    UUID federationId,
    TenantId tenant,
    int round,
    List<Score> scores,
    List<UUID> quarantined,
    Instant scoredAt) {

  public UpdatesScored {
    scores = List.copyOf(scores);
    quarantined = List.copyOf(quarantined);
  }

  /**
   * One update's scores.
   *
   * @param nodeId the node that sent it
   * @param nodeTenant the node's tenant (the data owner)
   * @param medianDistance L2 distance of its change to the coordinate-wise median change
   * @param cosine cosine between its change and the round's aggregate change
   * @param norm L2 norm of its change
   * @param krumScore its Krum score (NaN with fewer than three updates)
   * @param reasons why it was flagged; empty when it was not
   */
  public record Score(
      UUID nodeId,
      TenantId nodeTenant,
      double medianDistance,
      double cosine,
      double norm,
      double krumScore,
      List<String> reasons) {

    public Score {
      reasons = List.copyOf(reasons);
    }

    public boolean flagged() {
      return !reasons.isEmpty();
    }
  }

  /** How many updates were flagged. */
  public long flagged() {
    return scores.stream().filter(Score::flagged).count();
  }
}
