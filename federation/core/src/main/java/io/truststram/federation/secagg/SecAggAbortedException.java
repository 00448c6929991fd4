package io.truststram.federation.secagg;

/**
 * A secure round that cannot go on: too few clients left at a stage, a key bundle that fails its
 * signature, a coordinator that asked for what an honest one would not, or an unmasked sum that
 * cannot be right. The round produces no result; the reason says which stage and why.
 */
public final class SecAggAbortedException extends RuntimeException {

  private final String stage;

  public SecAggAbortedException(String stage, String reason) {
    super(stage + ": " + reason);
    this.stage = stage;
  }

  /** The stage: advertise, share, mask or unmask. */
  public String stage() {
    return stage;
  }
}
