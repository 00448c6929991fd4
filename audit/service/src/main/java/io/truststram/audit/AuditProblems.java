package io.truststram.audit;

import io.truststram.common.problem.ProblemType;

/** Problem types of the audit service. */
public final class AuditProblems {

  private AuditProblems() {}

  /** The log could not make an append durable (the database refused or is unreachable). */
  public static final ProblemType UNAVAILABLE =
      new ProblemType("audit-unavailable", 503, "Audit log unavailable");

  /** An index or tree size beyond the log, or sizes in the wrong order. */
  public static final ProblemType OUT_OF_RANGE =
      new ProblemType("audit-out-of-range", 400, "Index or tree size out of range");

  /** More entries in one append than the service takes. */
  public static final ProblemType BATCH_TOO_LARGE =
      new ProblemType("audit-batch-too-large", 400, "Too many entries in one append");

  /** The log has no signed checkpoint yet. */
  public static final ProblemType NO_CHECKPOINT =
      new ProblemType("audit-no-checkpoint", 404, "No checkpoint yet");
}
