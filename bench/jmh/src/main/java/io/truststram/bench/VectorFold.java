package io.truststram.bench;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The double-precision fold written with the Vector API, to measure against the JIT's loop. */
final class VectorFold {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;

  private VectorFold() {}

  /** {@code acc[i] += a * x[i]}, each product and sum rounded as the scalar loop rounds them. */
  static void accumulate(double a, float[] x, double[] acc) {
    DoubleVector weight = DoubleVector.broadcast(DOUBLES, a);
    int half = DOUBLES.length();
    int i = 0;
    for (int upper = FLOATS.loopBound(x.length); i < upper; i += FLOATS.length()) {
      FloatVector v = FloatVector.fromArray(FLOATS, x, i);
      DoubleVector low = (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0);
      DoubleVector high = (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 1);
      DoubleVector.fromArray(DOUBLES, acc, i).add(low.mul(weight)).intoArray(acc, i);
      DoubleVector.fromArray(DOUBLES, acc, i + half).add(high.mul(weight)).intoArray(acc, i + half);
    }
    for (; i < x.length; i++) {
      acc[i] += a * x[i];
    }
  }
}
