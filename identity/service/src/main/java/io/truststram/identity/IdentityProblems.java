package io.truststram.identity;

import io.truststram.common.problem.ProblemType;

/** Problem types of users, clients and multi-factor authentication. */
public final class IdentityProblems {

  private IdentityProblems() {}

  /** A new password breaks the password policy; the detail names the rule. */
  public static final ProblemType PASSWORD_REJECTED =
      new ProblemType("password-rejected", 400, "Password rejected");

  /** The current password given to change it is wrong. */
  public static final ProblemType WRONG_PASSWORD =
      new ProblemType("wrong-password", 400, "Current password is wrong");

  /** Another user already has the requested login name. */
  public static final ProblemType USERNAME_TAKEN =
      new ProblemType("username-taken", 409, "Login name already taken");

  /** No user with this id is visible to the caller. */
  public static final ProblemType USER_NOT_FOUND =
      new ProblemType("user-not-found", 404, "User not found");

  /** No client with this id is visible to the caller. */
  public static final ProblemType CLIENT_NOT_FOUND =
      new ProblemType("client-not-found", 404, "Client not found");

  /** The caller may not grant a role it asked to grant (only platform-admins grant that role). */
  public static final ProblemType ROLE_NOT_GRANTABLE =
      new ProblemType("role-not-grantable", 403, "Role not grantable");

  /** A TOTP code is wrong, expired or already used. */
  public static final ProblemType TOTP_CODE_REJECTED =
      new ProblemType("totp-code-rejected", 400, "TOTP code rejected");

  /** TOTP is already enabled, or enrolment was not started. */
  public static final ProblemType TOTP_STATE_CONFLICT =
      new ProblemType("totp-state-conflict", 409, "TOTP enrolment state conflict");

  /** A tenant's access policy refuses the action; the problem names the policies. */
  public static final ProblemType POLICY_DENIED =
      new ProblemType("policy-denied", 403, "Denied by access policy");

  /** A policy document is not valid; the detail says where. */
  public static final ProblemType POLICY_INVALID =
      new ProblemType("policy-invalid", 400, "Invalid access policy");
}
