package io.truststram.federation.privacy;

import java.util.Locale;

/** How Rényi-DP at order α becomes (ε, δ)-DP. Always named in results. */
public enum Conversion {
  /** ε = RDP(α) + log(1/δ)/(α − 1) (Mironov 2017, Proposition 3). */
  CLASSIC("classic"),
  /**
   * ε = RDP(α) + log((α − 1)/α) − (log δ + log α)/(α − 1) (Balle et al. 2020, Theorem 21), the
   * tighter bound Opacus uses.
   */
  BALLE2020("balle2020");

  private final String value;

  Conversion(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /** ε at order {@code alpha} for a total RDP of {@code rdp}; infinite where it does not apply. */
  double epsilon(double rdp, double alpha, double delta) {
    if (Double.isInfinite(rdp)) {
      return Double.POSITIVE_INFINITY;
    }
    return switch (this) {
      case CLASSIC -> rdp + Math.log(1 / delta) / (alpha - 1);
      case BALLE2020 ->
          rdp + Math.log1p(-1 / alpha) - (Math.log(delta) + Math.log(alpha)) / (alpha - 1);
    };
  }

  /** The conversion named {@code value} ({@code classic} or {@code balle2020}). */
  public static Conversion parse(String value) {
    for (Conversion conversion : values()) {
      if (conversion.value.equals(value.strip().toLowerCase(Locale.ROOT))) {
        return conversion;
      }
    }
    throw new IllegalArgumentException(
        "unknown conversion '" + value + "'; known: classic, balle2020");
  }
}
