package io.truststram.identity.internal.oauth;

/** Authorities that record sign-in steps beyond the password. */
public final class MfaAuthorities {

  /** Granted once the user proved a TOTP code (or a recovery code) in this session. */
  public static final String TOTP = "FACTOR_TOTP";

  private MfaAuthorities() {}
}
