package io.truststram.platform.security;

/** Names of the claims TrustStram puts in its access tokens, beside the registered ones. */
public final class TokenClaims {

  /** The tenant the subject belongs to: a tenant id (UUID). */
  public static final String TENANT = "tenant";

  /** The subject's roles in that tenant, e.g. {@code ["tenant-admin"]}. */
  public static final String ROLES = "roles";

  /**
   * How the subject authenticated (RFC 8176 values): {@code pwd}, {@code otp}, {@code hwk}, {@code
   * mfa}, or none for a client acting for itself.
   */
  public static final String AMR = "amr";

  /** The OAuth client the token was issued to (RFC 9068). */
  public static final String CLIENT_ID = "client_id";

  private TokenClaims() {}
}
