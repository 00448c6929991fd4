package io.truststram.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.ml.data.Dataset;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.tensor.Kernels;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ModelsTest {

  @Test
  void analyticGradientsMatchFiniteDifferences() {
    Dataset data = gaussianBlobs(40, 5, 3, 1);
    int[] rows = IntStream.range(0, data.rows()).toArray();
    for (Classifier model :
        List.of(
            new LogisticRegression(5),
            new SoftmaxRegression(5, 3),
            new Mlp(5, new int[] {7, 4}, 3))) {
      Dataset d = model.classes() == 2 ? binary(data) : data;
      float[] w = model.initialParameters(3);
      Random random = new Random(5);
      for (int i = 0; i < w.length; i++) {
        w[i] += (float) (0.3 * random.nextGaussian());
      }
      float[] gradient = new float[w.length];
      model.lossAndGradient(w, d, rows, gradient);
      float[] scratch = new float[w.length];
      for (int i = 0; i < w.length; i += Math.max(1, w.length / 25)) {
        float saved = w[i];
        double h = 1e-3;
        w[i] = (float) (saved + h);
        double plus = model.lossAndGradient(w, d, rows, scratch);
        w[i] = (float) (saved - h);
        double minus = model.lossAndGradient(w, d, rows, scratch);
        w[i] = saved;
        assertThat((double) gradient[i])
            .as("%s parameter %d", model.describe(), i)
            .isCloseTo((plus - minus) / (2 * h), within(2e-3));
      }
    }
  }

  @Test
  void inputGradientsMatchFiniteDifferencesAndProbabilitiesMatchTheRowForm() {
    Dataset data = gaussianBlobs(10, 5, 3, 4);
    for (Classifier model :
        List.of(
            new LogisticRegression(5),
            new SoftmaxRegression(5, 3),
            new Mlp(5, new int[] {7, 4}, 3))) {
      Dataset d = model.classes() == 2 ? binary(data) : data;
      float[] w = model.initialParameters(8);
      Random random = new Random(9);
      for (int i = 0; i < w.length; i++) {
        w[i] += (float) (0.5 * random.nextGaussian());
      }
      int k = model.classes();
      for (int row = 0; row < d.rows(); row++) {
        double[] x = new double[5];
        for (int j = 0; j < 5; j++) {
          x[j] = d.row(row)[j];
        }
        double[] fromRow = new double[k];
        double[] fromArray = new double[k];
        model.probabilities(w, d, row, fromRow);
        model.probabilities(w, x, fromArray);
        // The row form multiplies in float (as training does), the array form in double.
        assertThat(fromArray).containsExactly(fromRow, within(1e-7));
        for (int output = 0; output < k; output++) {
          double[] p = new double[k];
          double[] gradient = new double[5];
          model.inputGradient(w, x, output, p, gradient);
          assertThat(p).containsExactly(fromArray, within(1e-15));
          for (int j = 0; j < 5; j++) {
            double h = 1e-6;
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[j] += h;
            minus[j] -= h;
            double[] pp = new double[k];
            double[] pm = new double[k];
            model.probabilities(w, plus, pp);
            model.probabilities(w, minus, pm);
            assertThat(gradient[j])
                .as("%s class %d input %d", model.describe(), output, j)
                .isCloseTo((pp[output] - pm[output]) / (2 * h), within(1e-6));
          }
        }
      }
      assertThatThrownBy(() -> model.probabilities(w, new double[4], new double[k]))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aDescriptionBuildsTheModelItDescribes() {
    for (Classifier model :
        List.of(
            new LogisticRegression(5),
            new SoftmaxRegression(5, 3),
            new Mlp(5, new int[] {7, 4}, 3))) {
      Classifier rebuilt = Classifiers.fromDescription(model.describe());
      assertThat(rebuilt.describe()).isEqualTo(model.describe());
      assertThat(rebuilt.parameterCount()).isEqualTo(model.parameterCount());
    }
    for (String bad : List.of("tree(5)", "logistic(5 -> 2)", "mlp(5)", "softmax(x -> 2)", "")) {
      assertThatThrownBy(() -> Classifiers.fromDescription(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void logisticRegressionSeparatesSeparableData() {
    Dataset data = binary(gaussianBlobs(400, 4, 2, 2));
    LogisticRegression model = new LogisticRegression(4);
    float[] w = model.initialParameters(0);
    Sgd.Result result = Sgd.train(model, w, data, null, Sgd.Config.plain(20, 16, 0.5, 1));
    assertThat(result.steps()).isEqualTo(20 * 25);
    Metrics metrics = Metrics.evaluate(model, w, data);
    assertThat(metrics.accuracy()).isGreaterThan(0.97);
    assertThat(metrics.rocAuc()).isGreaterThan(0.99);
  }

  /** DP-SGD with every row in every step and no noise: no step moves the model more than η·C. */
  @Test
  void dpSgdClipsEveryExamplesGradient() {
    Dataset data = Synthetic.generateIid(1, 3).getFirst().train();
    SoftmaxRegression model = new SoftmaxRegression(data.columns(), data.classes());
    float[] w = model.initialParameters(1);
    float[] before = w.clone();
    double clip = 1e-3;
    Sgd.Config config =
        Sgd.Config.plain(1, data.rows(), 0.5, 1)
            .withPrivacy(new Sgd.Private(clip, 0, new java.util.SplittableRandom(1)));
    Sgd.train(model, w, data, null, config);
    double moved = 0;
    for (int i = 0; i < w.length; i++) {
      moved += ((double) w[i] - before[i]) * ((double) w[i] - before[i]);
    }
    assertThat(Math.sqrt(moved)).isLessThanOrEqualTo(0.5 * clip * (1 + 1e-4)).isGreaterThan(0);
  }

  /** Its noise has standard deviation σ·C over the expected batch size, on every coordinate. */
  @Test
  void dpSgdNoiseHasTheStatedStandardDeviation() {
    Dataset data = Synthetic.generateIid(1, 3).getFirst().train();
    SoftmaxRegression model = new SoftmaxRegression(data.columns(), data.classes());
    double clip = 0.1;
    double sigma = 2;
    int batch = Math.max(1, data.rows() / 4);
    Sgd.Config config = new Sgd.Config(1, batch, 1.0, 0, 0, 0, 1, 1);
    // The same rows sampled (the row seed), with and without noise: the difference is the noise.
    float[] clean = new float[model.parameterCount()];
    Sgd.train(
        model,
        clean,
        data,
        null,
        config.withPrivacy(new Sgd.Private(clip, 0, new java.util.SplittableRandom(5))));
    float[] noisy = new float[model.parameterCount()];
    Sgd.train(
        model,
        noisy,
        data,
        null,
        config.withPrivacy(new Sgd.Private(clip, sigma, new java.util.SplittableRandom(5))));
    double squares = 0;
    for (int i = 0; i < noisy.length; i++) {
      squares += ((double) noisy[i] - clean[i]) * ((double) noisy[i] - clean[i]);
    }
    double stddev = Math.sqrt(squares / noisy.length);
    double expected = sigma * clip / batch;
    // 610 draws: the sample standard deviation is within 10% of the true one (about 3.5 sigma).
    assertThat(stddev).isCloseTo(expected, within(0.1 * expected));
  }

  @Test
  void softmaxRegressionLearnsSyntheticIid() {
    List<Synthetic.Device> devices = Synthetic.generateIid(5, 3);
    Dataset train = devices.get(0).train();
    SoftmaxRegression model = new SoftmaxRegression(60, 10);
    float[] w = model.initialParameters(0);
    double before = Metrics.evaluate(model, w, train).logLoss();
    Sgd.train(model, w, train, null, Sgd.Config.plain(30, 10, 0.05, 4));
    Metrics after = Metrics.evaluate(model, w, train);
    assertThat(after.logLoss()).isLessThan(before * 0.7);
    assertThat(after.accuracy()).isGreaterThan(0.6);
  }

  @Test
  void anMlpLearnsXorWhichNoLinearModelCan() {
    float[] x = new float[400 * 2];
    int[] y = new int[400];
    Random random = new Random(9);
    for (int i = 0; i < 400; i++) {
      float a = random.nextFloat() * 2 - 1;
      float b = random.nextFloat() * 2 - 1;
      x[2 * i] = a;
      x[2 * i + 1] = b;
      y[i] = (a > 0) ^ (b > 0) ? 1 : 0;
    }
    Dataset xor = new Dataset(x, y, List.of("a", "b"), List.of("same", "differ"));
    Mlp mlp = new Mlp(2, new int[] {16}, 2);
    float[] w = mlp.initialParameters(1);
    Sgd.train(mlp, w, xor, null, new Sgd.Config(200, 20, 0.1, 0.9, 0, 0, 0, 2));
    assertThat(Metrics.evaluate(mlp, w, xor).accuracy()).isGreaterThan(0.95);

    LogisticRegression linear = new LogisticRegression(2);
    float[] v = linear.initialParameters(0);
    Sgd.train(linear, v, xor, null, Sgd.Config.plain(50, 20, 0.1, 2));
    assertThat(Metrics.evaluate(linear, v, xor).accuracy()).isLessThan(0.7);
  }

  @Test
  void theProximalTermKeepsTheModelNearTheGlobalOne() {
    Dataset data = gaussianBlobs(200, 5, 3, 4);
    SoftmaxRegression model = new SoftmaxRegression(5, 3);
    float[] global = model.initialParameters(0);
    float[] free = global.clone();
    float[] held = global.clone();
    Sgd.train(model, free, data, global, Sgd.Config.plain(10, 10, 0.1, 1));
    Sgd.train(model, held, data, global, new Sgd.Config(10, 10, 0.1, 0, 0, 5.0, 0, 1));
    assertThat(Math.sqrt(Kernels.squaredDistance(held, global)))
        .isLessThan(0.5 * Math.sqrt(Kernels.squaredDistance(free, global)));
  }

  @Test
  void trainingIsReproducibleAndMaxStepsCutsAnEpochShort() {
    Dataset data = gaussianBlobs(100, 5, 3, 6);
    SoftmaxRegression model = new SoftmaxRegression(5, 3);
    float[] a = model.initialParameters(0);
    float[] b = model.initialParameters(0);
    Sgd.Config config = new Sgd.Config(3, 8, 0.1, 0.9, 1e-4, 0, 0, 77);
    Sgd.train(model, a, data, null, config);
    Sgd.train(model, b, data, null, config);
    assertThat(a).containsExactly(b);
    Sgd.Result partial =
        Sgd.train(
            model,
            model.initialParameters(0),
            data,
            null,
            new Sgd.Config(5, 8, 0.1, 0, 0, 0, 7, 1));
    assertThat(partial.steps()).isEqualTo(7);
  }

  @Test
  void badTrainingInputIsRefused() {
    SoftmaxRegression model = new SoftmaxRegression(5, 3);
    Dataset data = gaussianBlobs(10, 4, 3, 1);
    assertThatThrownBy(
            () -> Sgd.train(model, new float[3], data, null, Sgd.Config.plain(1, 1, 0.1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameters");
    assertThatThrownBy(
            () ->
                Sgd.train(
                    model, model.initialParameters(0), data, null, Sgd.Config.plain(1, 1, 0.1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("features");
    assertThatThrownBy(() -> new Sgd.Config(1, 0, 0.1, 0, 0, 0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void classifiersByNameCheckTheirShape() {
    assertThat(Classifiers.parameterCount("softmax", 60, 10, List.of())).isEqualTo(610);
    assertThat(Classifiers.parameterCount("mlp", 10, 3, List.of(4)))
        .isEqualTo(10 * 4 + 4 + 4 * 3 + 3);
    assertThat(Classifiers.parameterCount("mlp", 10_000_000, 10, List.of(65_536)))
        .isGreaterThan(Integer.MAX_VALUE);
    assertThat(Classifiers.create("logistic", 5, 2, List.of()).describe()).isEqualTo("logistic(5)");
    assertThatThrownBy(() -> Classifiers.create("logistic", 5, 3, List.of()))
        .hasMessageContaining("exactly 2 classes");
    assertThatThrownBy(() -> Classifiers.create("softmax", 5, 3, List.of(4)))
        .hasMessageContaining("only an mlp");
    assertThatThrownBy(() -> Classifiers.create("tree", 5, 3, List.of()))
        .hasMessageContaining("logistic, softmax or mlp");
    assertThatThrownBy(() -> Classifiers.create("mlp", 10_000_000, 10, List.of(65_536)))
        .hasMessageContaining("more than one array holds");
  }

  @Test
  void metricsMatchHandComputedValues() {
    int[] labels = {1, 0, 1, 0};
    double[][] perfect = {{0.1, 0.9}, {0.8, 0.2}, {0.3, 0.7}, {0.6, 0.4}};
    Metrics m = Metrics.of(perfect, labels);
    assertThat(m.accuracy()).isEqualTo(1.0);
    assertThat(m.rocAuc()).isEqualTo(1.0);
    assertThat(m.f1()).isEqualTo(1.0);
    assertThat(m.logLoss())
        .isCloseTo(
            -(Math.log(0.9) + Math.log(0.8) + Math.log(0.7) + Math.log(0.6)) / 4, within(1e-12));
    double[][] reversed = {{0.9, 0.1}, {0.2, 0.8}, {0.7, 0.3}, {0.4, 0.6}};
    assertThat(Metrics.of(reversed, labels).rocAuc()).isEqualTo(0.0);
    assertThat(Metrics.of(reversed, labels).f1()).isEqualTo(0.0);
    double[][] ties = {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}};
    assertThat(Metrics.of(ties, labels).rocAuc()).isEqualTo(0.5);
    // One positive missed (predicted 0), one negative flagged: precision 1/2, recall 1/2.
    double[][] half = {{0.1, 0.9}, {0.2, 0.8}, {0.6, 0.4}, {0.7, 0.3}};
    assertThat(Metrics.of(half, labels).f1()).isEqualTo(0.5);
  }

  @Test
  void provenanceHashesTheDataItSaw() {
    Dataset a = gaussianBlobs(20, 3, 2, 1);
    Dataset b = gaussianBlobs(20, 3, 2, 2);
    assertThat(Provenance.hash(a))
        .hasSize(64)
        .isEqualTo(Provenance.hash(a.subset(IntStream.range(0, 20).toArray())));
    assertThat(Provenance.hash(a)).isNotEqualTo(Provenance.hash(b));
    Provenance provenance =
        new Provenance(
            new SoftmaxRegression(3, 2).describe(),
            Map.of("client-1", Provenance.hash(a)),
            Map.of("lr", "0.1"),
            7,
            Provenance.currentCodeVersion());
    assertThat(provenance.model()).isEqualTo("softmax(3 -> 2)");
    assertThat(provenance.codeVersion()).isNotBlank();
  }

  /** {@code classes} Gaussian clusters in {@code d} dimensions, well apart. */
  static Dataset gaussianBlobs(int rows, int d, int classes, long seed) {
    Random random = new Random(seed);
    float[] x = new float[rows * d];
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = i % classes;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) ((j % classes == y[i] ? 3 : 0) + random.nextGaussian());
      }
    }
    return new Dataset(
        x,
        y,
        IntStream.range(0, d).mapToObj(j -> "x" + j).toList(),
        IntStream.range(0, classes).mapToObj(c -> "c" + c).toList());
  }

  private static Dataset binary(Dataset data) {
    int[] y = data.labels().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = y[i] == 0 ? 0 : 1;
    }
    return new Dataset(data.features(), y, data.featureNames(), List.of("no", "yes"));
  }
}
