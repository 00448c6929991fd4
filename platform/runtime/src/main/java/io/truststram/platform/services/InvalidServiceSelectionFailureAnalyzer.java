package io.truststram.platform.services;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad {@code truststram.services} into a start-up message instead of a stack trace. */
class InvalidServiceSelectionFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidServiceSelectionException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidServiceSelectionException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Set truststram.services (environment variable TRUSTSTRAM_SERVICES) to 'all' or to a"
            + " comma-separated list of the services named above.",
        cause);
  }
}
