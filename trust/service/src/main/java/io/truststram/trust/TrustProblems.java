package io.truststram.trust;

import io.truststram.common.problem.ProblemType;

/** Problem types of the trust service. */
public final class TrustProblems {

  private TrustProblems() {}

  /** No entity of that id in the caller's tenant. */
  public static final ProblemType ENTITY_NOT_FOUND =
      new ProblemType("trust-entity-not-found", 404, "Trust entity not found");

  /**
   * A batch that cannot be written as given: an unknown type, a self-loop, a weight that is
   * negative or not finite, evidence in the future, too many records. Nothing of it is written.
   */
  public static final ProblemType INVALID_INPUT =
      new ProblemType("trust-invalid-input", 400, "Invalid trust graph input");

  /** Relationships or evidence that name entities the tenant does not have. */
  public static final ProblemType UNKNOWN_ENTITY =
      new ProblemType("trust-unknown-entity", 422, "Reference to an unknown entity");

  /** A computation that has no defined result (no pre-trusted entities with alpha 0, ...). */
  public static final ProblemType NOT_COMPUTABLE =
      new ProblemType("trust-not-computable", 422, "Trust scores not computable");

  /** Scores were asked for before any computation. */
  public static final ProblemType NOT_COMPUTED =
      new ProblemType("trust-not-computed", 409, "Trust scores not computed yet");

  /** No trust policy of that name in the caller's tenant. */
  public static final ProblemType POLICY_NOT_FOUND =
      new ProblemType("trust-policy-not-found", 404, "Trust policy not found");
}
