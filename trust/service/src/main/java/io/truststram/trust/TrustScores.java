package io.truststram.trust;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What other services ask of trust in this process: reputations, policy admission, and the
 * observations they make. The federation service records each scored round here and chooses its
 * clients by the answers.
 */
public interface TrustScores {

  /** The entity's reputation (Beta expected value) in the latest computation, if it was scored. */
  OptionalDouble reputation(TenantId tenant, String entity);

  /**
   * Whether the tenant's policy {@code policy} admits the entity: true when the tenant has no such
   * policy, when it does not apply to the entity's type, or when the entity has not been scored yet
   * (so that newcomers can earn trust); otherwise whether its score reaches the minimum.
   */
  boolean admits(TenantId tenant, String policy, String entity, String entityType);

  /**
   * Records what the platform observed. Subjects that are not in the tenant's graph yet enter it as
   * entities of the observation's type; {@code collaborators} (at most 64) are linked pairwise by
   * {@code COLLABORATED_WITH}, adding 1 to each pair's weight. An observation with an id that was
   * recorded before (an event delivered again) is not recorded twice.
   */
  void observe(TenantId tenant, List<Observation> observations, List<String> collaborators);

  /**
   * Takes back the observation recorded with the id {@code observation} (what it stood for no
   * longer holds): its evidence leaves the graph; nothing happens when there is none.
   */
  void withdraw(TenantId tenant, UUID observation);

  /**
   * One observation about an entity.
   *
   * @param subject the entity's id
   * @param subjectType its type ({@code client-node}, {@code model}, ...), for when it is new
   * @param kind what was observed, e.g. {@code federation.update}
   * @param positive whether it speaks for the subject
   * @param weight how much it counts (positive, finite)
   * @param at when it was observed
   * @param details what else is worth keeping
   * @param id the evidence's id, for one that may be withdrawn later; null for a new one
   */
  record Observation(
      String subject,
      String subjectType,
      String kind,
      boolean positive,
      double weight,
      Instant at,
      Map<String, String> details,
      @Nullable UUID id) {

    public Observation {
      details = Map.copyOf(details);
    }
  }
}
