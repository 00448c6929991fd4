package io.truststram.explain;

import io.truststram.common.problem.ProblemType;

/** Problem types of the explanation service. */
public final class ExplainProblems {

  private ExplainProblems() {}

  /** No model of that id in the caller's tenant. */
  public static final ProblemType MODEL_NOT_FOUND =
      new ProblemType("explain-model-not-found", 404, "Model not found");

  /** The uploaded bytes are not a model the service reads, or are too large. */
  public static final ProblemType INVALID_MODEL =
      new ProblemType("explain-invalid-model", 400, "Not a model the service reads");

  /** A request the method cannot serve: rows that do not fit, a missing background, a cap. */
  public static final ProblemType INVALID_REQUEST =
      new ProblemType("explain-invalid-request", 400, "Invalid explanation request");

  /** No explanation of that id (or decision id) in the caller's tenant. */
  public static final ProblemType EXPLANATION_NOT_FOUND =
      new ProblemType("explain-explanation-not-found", 404, "Explanation not found");

  /** The explanation is still being computed, or failed, so it has no values to give. */
  public static final ProblemType NOT_READY =
      new ProblemType("explain-not-ready", 409, "Explanation not ready");

  /** A fairness request that cannot be computed (lengths differ, a single group, ...). */
  public static final ProblemType INVALID_FAIRNESS_REQUEST =
      new ProblemType("explain-invalid-fairness-request", 400, "Invalid fairness request");

  /** No bias policy of that name in the caller's tenant. */
  public static final ProblemType POLICY_NOT_FOUND =
      new ProblemType("explain-policy-not-found", 404, "Bias policy not found");

  /** No compliance report of that id in the caller's tenant. */
  public static final ProblemType REPORT_NOT_FOUND =
      new ProblemType("explain-report-not-found", 404, "Compliance report not found");

  /** A retention shorter than the platform's minimum. */
  public static final ProblemType RETENTION_TOO_SHORT =
      new ProblemType("explain-retention-too-short", 400, "Retention too short");
}
