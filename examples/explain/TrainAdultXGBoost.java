// Trains the example model of examples/explain/ with XGBoost itself (XGBoost4J), on UCI Adult:
// eight numeric columns (two of them 0/1 codes of categories), a binary:logistic objective, and
// writes the model as XGBoost JSON with some rows to explain and a background sample.
//
// Run from the repository's root, with XGBoost4J on the class path (explain/core's test scope):
//   ./mvnw -q -pl explain/core dependency:build-classpath -Dmdep.includeScope=test \
//       -Dmdep.outputFile=/tmp/cp.txt
//   java -cp "$(cat /tmp/cp.txt)" examples/explain/TrainAdultXGBoost.java \
//       ../shared/datasets/adult/adult.data examples/explain
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

public class TrainAdultXGBoost {
  static final String[] NAMES = {
    "age", "education_num", "capital_gain", "capital_loss", "hours_per_week", "sex_male",
    "married", "fnlwgt"
  };

  public static void main(String[] args) throws Exception {
    List<float[]> rows = new ArrayList<>();
    List<Float> labels = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
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
    int n = rows.size();
    int m = NAMES.length;
    float[] data = new float[n * m];
    float[] label = new float[n];
    for (int r = 0; r < n; r++) {
      System.arraycopy(rows.get(r), 0, data, r * m, m);
      label[r] = labels.get(r);
    }
    DMatrix train = new DMatrix(data, n, m, Float.NaN);
    train.setLabel(label);
    train.setFeatureNames(NAMES);
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("objective", "binary:logistic");
    parameters.put("max_depth", 5);
    parameters.put("eta", 0.2);
    parameters.put("seed", 1);
    parameters.put("nthread", 1);
    Booster booster = XGBoost.train(train, parameters, 60, new HashMap<>(), null, null);
    Path out = Path.of(args[1]);
    booster.saveModel(out.resolve("adult-xgboost.json").toString());
    Random random = new Random(7);
    write(out.resolve("adult-rows.csv"), rows, 0, 20, null);
    write(out.resolve("adult-background.csv"), rows, 0, 100, random);
  }

  static void write(Path file, List<float[]> rows, int from, int count, Random random)
      throws Exception {
    StringBuilder csv = new StringBuilder(String.join(",", NAMES)).append('\n');
    for (int i = 0; i < count; i++) {
      float[] row = rows.get(random == null ? from + i : random.nextInt(rows.size()));
      for (int j = 0; j < row.length; j++) {
        csv.append(j == 0 ? "" : ",").append(Math.round(row[j]));
      }
      csv.append('\n');
    }
    Files.writeString(file, csv.toString());
  }
}
