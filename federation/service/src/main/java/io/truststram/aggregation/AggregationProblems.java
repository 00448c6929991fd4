package io.truststram.aggregation;

import io.truststram.common.problem.ProblemType;

/** Problem types of the aggregation shards' internal API. */
public final class AggregationProblems {

  private AggregationProblems() {}

  /** The shard holds no such session: finished, replaced, expired, or the shard restarted. */
  public static final ProblemType SESSION_NOT_FOUND =
      new ProblemType("aggregation-session-not-found", 404, "Aggregation session not found");

  /** A fold arrived out of sequence: the coordinator must fold the round again. */
  public static final ProblemType OUT_OF_SEQUENCE =
      new ProblemType("aggregation-out-of-sequence", 409, "Fold out of sequence");

  /** The message is malformed or asks for something the shard cannot do. */
  public static final ProblemType INVALID_MESSAGE =
      new ProblemType("aggregation-invalid-message", 400, "Invalid aggregation message");

  /** The strategy refused the update (wrong shape, non-finite values, no examples). */
  public static final ProblemType REJECTED_UPDATE =
      new ProblemType("aggregation-rejected-update", 422, "Update rejected by the strategy");

  /** The shard holds as many sessions as it may; retry later or add shards. */
  public static final ProblemType BUSY =
      new ProblemType("aggregation-shard-busy", 503, "Aggregation shard busy");
}
