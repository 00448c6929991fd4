package io.truststram.explain;

import java.util.Locale;

/**
 * The space an explanation is additive in: the model's own output ({@link #IDENTITY}) or its
 * log-odds ({@link #LOGIT}, for a model that outputs probabilities), as shap's {@code link}.
 */
public enum Link {
  /** The output as it is. */
  IDENTITY {
    @Override
    public double apply(double value) {
      return value;
    }

    @Override
    public double inverse(double value) {
      return value;
    }
  },
  /** log(p / (1 − p)). */
  LOGIT {
    @Override
    public double apply(double value) {
      return Math.log(value / (1 - value));
    }

    @Override
    public double inverse(double value) {
      return 1 / (1 + Math.exp(-value));
    }
  };

  /** The output in this link's space. */
  public abstract double apply(double value);

  /** The output from this link's space back to the model's. */
  public abstract double inverse(double value);

  /** The name as the CLI and the API write it: {@code identity}, {@code logit}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The link named {@code id}.
   *
   * @throws IllegalArgumentException for another name
   */
  public static Link of(String id) {
    for (Link link : values()) {
      if (link.id().equals(id)) {
        return link;
      }
    }
    throw new IllegalArgumentException("the link is identity or logit, not '" + id + "'");
  }
}
