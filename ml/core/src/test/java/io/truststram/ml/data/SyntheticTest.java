package io.truststram.ml.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticTest {

  @Test
  void generatesThePapersShapesReproducibly() {
    List<Synthetic.Device> devices = Synthetic.generate(1, 1, 30, 42);
    assertThat(devices).hasSize(30);
    for (Synthetic.Device device : devices) {
      int total = device.train().rows() + device.test().rows();
      assertThat(total).isGreaterThanOrEqualTo(50);
      assertThat(device.train().rows()).isEqualTo((int) (0.9 * total));
      assertThat(device.train().columns()).isEqualTo(60);
      assertThat(device.train().classes()).isEqualTo(10);
    }
    List<Synthetic.Device> again = Synthetic.generate(1, 1, 30, 42);
    assertThat(again.get(7).train().features()).containsExactly(devices.get(7).train().features());
    assertThat(again.get(7).test().labels()).containsExactly(devices.get(7).test().labels());
  }

  @Test
  void heterogeneousDevicesDisagreeOnTheirLabelMixMoreThanIidOnes() {
    double heterogeneous = meanPairwiseDistance(Synthetic.generate(1, 1, 30, 5));
    double iid = meanPairwiseDistance(Synthetic.generateIid(30, 5));
    assertThat(heterogeneous).isGreaterThan(iid + 0.2);
  }

  /** The mean total-variation distance between devices' label distributions. */
  private static double meanPairwiseDistance(List<Synthetic.Device> devices) {
    double sum = 0;
    int pairs = 0;
    for (int a = 0; a < devices.size(); a++) {
      for (int b = a + 1; b < devices.size(); b++) {
        double[] p = distribution(devices.get(a).train());
        double[] q = distribution(devices.get(b).train());
        double tv = 0;
        for (int c = 0; c < p.length; c++) {
          tv += Math.abs(p[c] - q[c]);
        }
        sum += tv / 2;
        pairs++;
      }
    }
    return sum / pairs;
  }

  private static double[] distribution(Dataset data) {
    int[] counts = data.classCounts();
    double[] p = new double[counts.length];
    for (int c = 0; c < counts.length; c++) {
      p[c] = (double) counts[c] / data.rows();
    }
    return p;
  }
}
