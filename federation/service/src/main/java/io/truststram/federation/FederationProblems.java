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

  /** The round is not open (closed, not started, unknown), so it takes no update. */
  public static final ProblemType ROUND_NOT_OPEN =
      new ProblemType("federation-round-not-open", 409, "Round not open");

  /** The federation has no round of that number (yet). */
  public static final ProblemType ROUND_NOT_FOUND =
      new ProblemType("federation-round-not-found", 404, "Round not found");

  /** The node was not chosen to train in this round. */
  public static final ProblemType NOT_SELECTED =
      new ProblemType("federation-node-not-selected", 409, "Node not selected for this round");

  /** The node already submitted a different update (or under another key) for this round. */
  public static final ProblemType UPDATE_CONFLICT =
      new ProblemType("federation-update-conflict", 409, "Update already submitted");

  /** Another request is delivering this node's update for the round right now: retry shortly. */
  public static final ProblemType UPDATE_IN_PROGRESS =
      new ProblemType("federation-update-in-progress", 409, "Update being received");

  /** The update is unusable: wrong shape or dtype, NaN or infinite values, malformed file. */
  public static final ProblemType INVALID_UPDATE =
      new ProblemType("federation-invalid-update", 422, "Invalid update");

  /** The update is larger than the federation's model allows. */
  public static final ProblemType UPDATE_TOO_LARGE =
      new ProblemType("federation-update-too-large", 413, "Update too large");

  /** No global model of that version exists (yet) for the federation. */
  public static final ProblemType MODEL_NOT_FOUND =
      new ProblemType("federation-model-not-found", 404, "Model version not found");

  /** No resumable upload of the caller has that id. */
  public static final ProblemType UPLOAD_NOT_FOUND =
      new ProblemType("federation-upload-not-found", 404, "Upload not found");

  /** A chunk does not start where the upload stands, or its range is malformed. */
  public static final ProblemType UPLOAD_OFFSET_MISMATCH =
      new ProblemType("federation-upload-offset-mismatch", 409, "Upload offset mismatch");

  /**
   * A message of a secure round that the round does not take (wrong stage, replayed, malformed).
   */
  public static final ProblemType SECURE_MESSAGE_REFUSED =
      new ProblemType(
          "federation-secure-message-refused", 409, "Secure aggregation message refused");

  /** A plaintext update sent to a federation that aggregates securely. */
  public static final ProblemType SECURE_ONLY =
      new ProblemType(
          "federation-secure-aggregation-only", 409, "This federation takes masked inputs only");

  /** An analysis request that cannot run: unknown kind, unusable parameters, impossible limits. */
  public static final ProblemType INVALID_ANALYSIS =
      new ProblemType("federation-invalid-analysis", 400, "Invalid analysis");

  /** The federation cannot be analysed now (it failed, or its updates are aggregated securely). */
  public static final ProblemType ANALYSIS_REFUSED =
      new ProblemType("federation-analysis-refused", 409, "Analysis refused");

  /** No analysis of that id belongs to the federation. */
  public static final ProblemType ANALYSIS_NOT_FOUND =
      new ProblemType("federation-analysis-not-found", 404, "Analysis not found");

  /** The analysis takes no summaries now: it waits for the final model, or it closed. */
  public static final ProblemType ANALYSIS_NOT_OPEN =
      new ProblemType("federation-analysis-not-open", 409, "Analysis not open");

  /** The node already answered the analysis, differently. */
  public static final ProblemType SUMMARY_CONFLICT =
      new ProblemType("federation-summary-conflict", 409, "Summary already sent");

  /** A node's summary is unusable: wrong length, not finite, or impossible for its kind. */
  public static final ProblemType INVALID_SUMMARY =
      new ProblemType("federation-invalid-summary", 422, "Invalid summary");
}
