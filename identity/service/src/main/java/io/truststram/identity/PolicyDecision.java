package io.truststram.identity;

import java.util.List;

/**
 * The outcome of a tenant's access policies for one action.
 *
 * @param allowed whether the policies allow it (role-based access is checked separately)
 * @param refusedBy the ids of the policies that refused it
 */
public record PolicyDecision(boolean allowed, List<String> refusedBy) {
  public PolicyDecision {
    refusedBy = List.copyOf(refusedBy);
  }
}
