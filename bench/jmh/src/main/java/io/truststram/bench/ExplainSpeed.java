package io.truststram.bench;

import io.truststram.explain.Link;
import io.truststram.explain.Model;
import io.truststram.explain.shap.KernelShap;
import io.truststram.explain.tree.TreeEnsemble;
import io.truststram.explain.tree.TreeShap;
import io.truststram.explain.tree.XGBoostJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * The speed of explanations, one JSON line per measurement on standard output:
 *
 * <ul>
 *   <li>path-dependent TreeSHAP against XGBoost's own native {@code predictContrib} (XGBoost4J) on
 *       the same model and rows, in this one process, both on every core: a model XGBoost trains
 *       here on UCI Adult (its six numeric columns and two 0/1 codes), {@code trees} trees of depth
 *       {@code depth};
 *   <li>Kernel SHAP on a model of M = 20 features with a 100-row background: explanations per
 *       second, the share of the time spent in model calls, and the coalitions drawn again and not
 *       re-evaluated.
 * </ul>
 *
 * <p>Usage: {@code BENCH_MAIN=io.truststram.bench.ExplainSpeed bench/jmh/run.sh ADULT.data [trees
 * depth rows]}; run by {@code bench/explain/measure.sh}.
 */
public final class ExplainSpeed {

  private ExplainSpeed() {}

  public static void main(String[] args) throws Exception {
    Path adult = Path.of(args[0]);
    int trees = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int depth = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    int rows = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    TreeEnsemble model = treeShap(adult, trees, depth, rows);
    kernelShap();
    lime(model, adult);
  }

  /**
   * LIME with lime's defaults (5,000 samples, quartile bins, ten features kept) on the tree model
   * just trained, 100 training rows for the quartiles: milliseconds per explanation, on one thread
   * (as lime runs) and over all cores.
   */
  private static void lime(TreeEnsemble model, Path adult) throws Exception {
    double[][] rows = adultRows(adult, 1_100);
    double[][] training = java.util.Arrays.copyOf(rows, 100);
    double[][] explained = java.util.Arrays.copyOfRange(rows, 100, 1_100);
    io.truststram.explain.lime.LimeTabular lime =
        new io.truststram.explain.lime.LimeTabular(
            model.predictions(), training, model.featureNames(), null);
    var options = new io.truststram.explain.lime.LimeTabular.Options(5_000, 10, 7);
    for (int i = 0; i < 20; i++) {
      lime.explain(explained[i], 0, options);
    }
    int single = 100;
    long start = System.nanoTime();
    for (int i = 0; i < single; i++) {
      lime.explain(explained[i], 0, options);
    }
    double oneThread = (System.nanoTime() - start) / 1e6 / single;
    start = System.nanoTime();
    IntStream.range(0, explained.length)
        .parallel()
        .forEach(i -> lime.explain(explained[i], 0, options));
    double allCores = (System.nanoTime() - start) / 1e6 / explained.length;
    System.out.printf(
        "{\"bench\":\"lime\",\"features\":%d,\"samples\":5000,\"training\":100,"
            + "\"msPerExplanationOneThread\":%.2f,\"msPerExplanationAllCores\":%.2f,"
            + "\"explanations\":%d,\"cores\":%d}%n",
        model.features(),
        oneThread,
        allCores,
        explained.length,
        Runtime.getRuntime().availableProcessors());
  }

  /** The first {@code count} rows of Adult's eight numeric columns. */
  private static double[][] adultRows(Path adult, int count) throws Exception {
    List<double[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(adult)) {
      String[] f = line.split(",\\s*");
      if (f.length < 15) {
        continue;
      }
      out.add(
          new double[] {
            Double.parseDouble(f[0]),
            Double.parseDouble(f[4]),
            Double.parseDouble(f[10]),
            Double.parseDouble(f[11]),
            Double.parseDouble(f[12]),
            f[9].equals("Male") ? 1 : 0,
            f[5].startsWith("Married") ? 1 : 0,
            Double.parseDouble(f[2])
          });
      if (out.size() == count) {
        break;
      }
    }
    return out.toArray(double[][]::new);
  }

  private static TreeEnsemble treeShap(Path adult, int trees, int depth, int count)
      throws Exception {
    List<float[]> rows = new ArrayList<>();
    List<Float> labels = new ArrayList<>();
    for (String line : Files.readAllLines(adult)) {
      String[] f = line.split(",\\s*");
      if (f.length < 15) {
        continue;
      }
      rows.add(
          new float[] {
            Float.parseFloat(f[0]),
            Float.parseFloat(f[4]),
            Float.parseFloat(f[10]),
            Float.parseFloat(f[11]),
            Float.parseFloat(f[12]),
            f[9].equals("Male") ? 1 : 0,
            f[5].startsWith("Married") ? 1 : 0,
            Float.parseFloat(f[2])
          });
      labels.add(f[14].startsWith(">50K") ? 1f : 0f);
    }
    int m = 8;
    int n = rows.size();
    float[] data = new float[n * m];
    float[] label = new float[n];
    for (int r = 0; r < n; r++) {
      System.arraycopy(rows.get(r), 0, data, r * m, m);
      label[r] = labels.get(r);
    }
    DMatrix train = new DMatrix(data, n, m, Float.NaN);
    train.setLabel(label);
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("objective", "binary:logistic");
    parameters.put("max_depth", depth);
    parameters.put("eta", 0.1);
    parameters.put("seed", 1);
    Booster booster = XGBoost.train(train, parameters, trees, new HashMap<>(), null, null);
    Path file = Files.createTempFile("adult-bench", ".json");
    booster.saveModel(file.toString());
    TreeEnsemble model = XGBoostJson.read(file);
    Files.delete(file);
    float[] sample = Arrays.copyOf(data, count * m);
    DMatrix explained = new DMatrix(sample, count, m, Float.NaN);
    double[][] doubles = new double[count][m];
    for (int r = 0; r < count; r++) {
      for (int f = 0; f < m; f++) {
        doubles[r][f] = sample[r * m + f];
      }
    }
    // Warm up both, then time each five times and keep the median.
    for (int i = 0; i < 3; i++) {
      booster.predictContrib(explained, 0);
      ours(model, doubles);
    }
    double[] native_ = new double[5];
    double[] java = new double[5];
    double worst = 0;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      float[][] theirs = booster.predictContrib(explained, 0);
      native_[i] = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      double[][][] mine = ours(model, doubles);
      java[i] = (System.nanoTime() - start) / 1e9;
      for (int r = 0; r < count; r += 97) {
        for (int f = 0; f <= m; f++) {
          worst = Math.max(worst, Math.abs(mine[r][0][f] - theirs[r][f]));
        }
      }
    }
    Arrays.sort(native_);
    Arrays.sort(java);
    System.out.printf(
        "{\"bench\":\"treeshap\",\"trees\":%d,\"depth\":%d,\"features\":%d,\"rows\":%d,"
            + "\"cores\":%d,\"xgboostRowsPerSecond\":%.0f,\"truststramRowsPerSecond\":%.0f,"
            + "\"ratio\":%.3f,\"largestDifference\":%.3g}%n",
        trees,
        depth,
        m,
        count,
        Runtime.getRuntime().availableProcessors(),
        count / native_[2],
        count / java[2],
        native_[2] / java[2],
        worst);
    return model;
  }

  private static double[][][] ours(TreeEnsemble model, double[][] rows) {
    double[][][] out = new double[rows.length][][];
    IntStream.range(0, rows.length)
        .parallel()
        .forEach(r -> out[r] = TreeShap.pathDependent(model, rows[r]));
    return out;
  }

  /** A model of 20 features with interactions, counting the time spent in it. */
  private static final class Timed implements Model {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public int features() {
      return 20;
    }

    @Override
    public int outputs() {
      return 1;
    }

    @Override
    public void predict(double[][] rows, double[][] out) {
      long start = System.nanoTime();
      for (int r = 0; r < rows.length; r++) {
        double[] x = rows[r];
        double v = 0;
        for (int i = 0; i < 20; i++) {
          v += (i % 3 == 0 ? 0.5 : -0.25) * x[i] + 0.1 * x[i] * x[(i + 7) % 20];
        }
        out[r][0] = 1 / (1 + Math.exp(-v));
      }
      nanos.addAndGet(System.nanoTime() - start);
    }
  }

  private static void kernelShap() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    double[][] background = new double[100][20];
    for (double[] row : background) {
      for (int i = 0; i < 20; i++) {
        row[i] = random.nextDouble() * 2 - 1;
      }
    }
    Timed model = new Timed();
    KernelShap explainer = new KernelShap(model, Link.LOGIT, background, null, null);
    int explanations = 40;
    double[][] rows = new double[explanations][20];
    for (double[] row : rows) {
      for (int i = 0; i < 20; i++) {
        row[i] = random.nextDouble() * 2 - 1;
      }
    }
    for (int i = 0; i < 5; i++) {
      explainer.explain(rows[i], KernelShap.Options.DEFAULT);
    }
    model.nanos.set(0);
    long duplicates = 0;
    long coalitions = 0;
    long start = System.nanoTime();
    for (double[] row : rows) {
      KernelShap.Result result = explainer.explain(row, KernelShap.Options.DEFAULT);
      duplicates += result.cost().duplicates();
      coalitions += result.cost().coalitions();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "{\"bench\":\"kernelshap\",\"features\":20,\"background\":100,\"explanations\":%d,"
            + "\"explanationsPerSecond\":%.2f,\"coalitionsPerExplanation\":%.0f,"
            + "\"duplicatesPerExplanation\":%.1f,\"modelCallShare\":%.3f,\"cores\":%d}%n",
        explanations,
        explanations / seconds,
        (double) coalitions / explanations,
        (double) duplicates / explanations,
        model.nanos.get() / 1e9 / seconds / Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().availableProcessors());
  }
}
