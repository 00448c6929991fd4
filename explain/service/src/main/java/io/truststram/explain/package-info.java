/**
 * Explain: explanations of models and checks of their fairness. {@code explain/core} holds the
 * algorithms (Shapley values in their exact, kernel, tree and linear forms over any {@link
 * io.truststram.explain.Model}, LIME, integrated gradients, counterfactuals, attention, group
 * fairness, the threshold optimiser, model imports from XGBoost and ONNX), plain Java for the CLI
 * and the SDK; this service offers them over REST: uploaded models, explanations on request
 * (cached, and archived by decision id with per-tenant retention), plots, fairness reports, gates
 * and policies, and signed compliance reports.
 *
 * <p>API: {@link io.truststram.explain.ExplainProblems}. REST: {@code /api/v1/explanations} and
 * {@code /api/v1/fairness}.
 */
@NullMarked
@ApplicationModule(displayName = "Explain")
package io.truststram.explain;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
