package io.truststram.bench;

import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.NoiseCalibration;
import io.truststram.federation.privacy.RdpAccountant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The RDP accountant's speed: ε after a number of rounds at the 151 default orders (integer and
 * fractional), and calibrating σ to a target ε. Run by {@code bench/privacy/measure.sh}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PrivacyAccounting {

  @Param({"10000"})
  public long rounds;

  /** A federation sampling 1% of its clients a round, σ = 1.1. */
  @Benchmark
  public double epsilon() {
    return RdpAccountant.epsilon(0.01, 1.1, rounds, 1e-5, Conversion.CLASSIC).epsilon();
  }

  @Benchmark
  public double calibrate() {
    return NoiseCalibration.noiseMultiplier(3.0, 1e-5, 0.01, rounds, Conversion.CLASSIC);
  }
}
