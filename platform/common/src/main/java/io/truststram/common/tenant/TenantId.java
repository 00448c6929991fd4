package io.truststram.common.tenant;

import io.truststram.common.id.Uuids;
import java.util.Objects;
import java.util.UUID;

/**
 * The identifier of a tenant: one organisation, the unit of data ownership and isolation.
 *
 * <p>Every record in TrustStram belongs to exactly one tenant. The value is a version-7 UUID; its
 * string form is the canonical lower-case UUID text.
 *
 * @param value the UUID, never null
 */
public record TenantId(UUID value) implements Comparable<TenantId> {

  public TenantId {
    Objects.requireNonNull(value, "value");
  }

  /** A fresh, time-ordered tenant id. */
  public static TenantId newId() {
    return new TenantId(Uuids.v7());
  }

  /**
   * Parses the canonical text form.
   *
   * @throws IllegalArgumentException if {@code text} is not a UUID in the 8-4-4-4-12 hex form
   */
  public static TenantId parse(String text) {
    if (text.length() != 36) {
      throw new IllegalArgumentException("not a tenant id: expected a 36-character UUID");
    }
    return new TenantId(UUID.fromString(text));
  }

  @Override
  public int compareTo(TenantId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
