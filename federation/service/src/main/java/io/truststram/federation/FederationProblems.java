package io.truststram.federation;

import io.truststram.common.problem.ProblemType;

/** Problem types of the federation service. */
public final class FederationProblems {

  private FederationProblems() {}

  /** No federation the caller may see has the given id. */
  public static final ProblemType FEDERATION_NOT_FOUND =
      new ProblemType("federation-not-found", 404, "Federation not found");

  /** The federation's configuration is impossible (unknown strategy, minClients > clients ...). */
  public static final ProblemType INVALID_FEDERATION =
      new ProblemType("invalid-federation", 400, "Invalid federation");

  /** The federation's state does not allow the requested transition. */
  public static final ProblemType ILLEGAL_TRANSITION =
      new ProblemType("federation-state-conflict", 409, "Federation state conflict");

  /** The tenant already has a federation of that name. */
  public static final ProblemType NAME_TAKEN =
      new ProblemType("federation-name-taken", 409, "Federation name already taken");

  /** Only the owner tenant may do this to a federation (its participants may only look). */
  public static final ProblemType OWNER_ONLY =
      new ProblemType("federation-owner-only", 403, "Only the federation's owner may do this");

  /** The tenant's participation does not allow the step (invited twice, joining uninvited ...). */
  public static final ProblemType PARTICIPATION_CONFLICT =
      new ProblemType("federation-participation-conflict", 409, "Participation conflict");

  /** No node the caller may see has the given id in that federation. */
  public static final ProblemType NODE_NOT_FOUND =
      new ProblemType("federation-node-not-found", 404, "Client node not found");
}
