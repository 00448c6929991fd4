package io.truststram.federation.strategy;

/**
 * Makes wrappers of one kind around a strategy, from named parameters: {@code dp(krum)} is the
 * {@code dp} wrapper factory applied to Krum. Custom wrappers are added like custom strategies,
 * named in {@code META-INF/services/io.truststram.federation.strategy.WrapperFactory}.
 */
public interface WrapperFactory {

  /** The name it is written with, e.g. {@code dp}: lower case letters, digits, '-'. */
  String name();

  /**
   * {@code inner} wrapped, with {@code parameters} (the same set the strategy inside reads; each
   * layer reads its own); impossible values refused with {@link IllegalArgumentException}.
   */
  Strategy wrap(Strategy inner, StrategyParameters parameters);
}
