package io.truststram.federation.strategy;

/**
 * Makes strategies of one kind from named parameters. Custom strategies are added by putting an
 * implementation on the classpath and naming it in {@code
 * META-INF/services/io.truststram.federation.strategy.StrategyFactory}.
 */
public interface StrategyFactory {

  /** The name federations refer to it by, e.g. {@code fedavg}: lower case letters, digits, '-'. */
  String name();

  /**
   * A strategy with {@code parameters}; every parameter must be read (the registry refuses unknown
   * ones) and impossible values refused with {@link IllegalArgumentException}.
   */
  Strategy create(StrategyParameters parameters);
}
