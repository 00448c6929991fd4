package io.truststram.common.tenant;

import io.truststram.common.id.Uuids;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The identifier of a tenant: one organisation, the unit of data ownership and isolation.
 *
 * <p>Every record in TrustStram belongs to exactly one tenant. The value is a version-7 UUID; its
 * string form is the canonical lower-case UUID text.
 *
 * @param value the UUID, never null
 */
public record TenantId(UUID value) implements Comparable<TenantId> {

  private static final Pattern CANONICAL =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public TenantId {
    Objects.requireNonNull(value, "value");
  }

  /** A fresh, time-ordered tenant id. */
  public static TenantId newId() {
    return new TenantId(Uuids.v7());
  }

  /**
   * Parses the canonical text form (either case).
   *
   * @throws IllegalArgumentException if {@code text} is not a UUID in the 8-4-4-4-12 hex form
   */
  public static TenantId parse(String text) {
    if (!CANONICAL.matcher(text).matches()) {
      throw new IllegalArgumentException("not a tenant id: expected a UUID in 8-4-4-4-12 hex form");
    }
    return new TenantId(UUID.fromString(text));
  }

  /**
   * Orders as unsigned bytes, which is the order of the canonical text and of the uuid types of
   * PostgreSQL and H2 ({@link UUID#compareTo} compares signed longs and disagrees with them).
   */
  @Override
  public int compareTo(TenantId other) {
    int high =
        Long.compareUnsigned(value.getMostSignificantBits(), other.value.getMostSignificantBits());
    return high != 0
        ? high
        : Long.compareUnsigned(
            value.getLeastSignificantBits(), other.value.getLeastSignificantBits());
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
