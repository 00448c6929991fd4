// Trains the example model of our own format in examples/explain/: an MLP (108 -> 16 -> 2) on UCI
// Adult encoded by TabularEncoder (numbers standardised, categories one-hot as name=value), with
// SGD, and writes it as `fl simulate --model` does (safetensors, its description and feature names
// in the metadata), the same model as ONNX, and encoded rows to explain and a background sample.
//
// Run from the repository's root, with the CLI jar (built by ./truststram) on the class path:
//   java -cp cli/target/truststram-cli.jar examples/explain/TrainAdultMlp.java \
//       ../shared/datasets/adult examples/explain
import io.truststram.explain.ClassifierModel;
import io.truststram.explain.onnx.OnnxExport;
import io.truststram.ml.data.AdultDataset;
import io.truststram.ml.data.Dataset;
import io.truststram.ml.model.Metrics;
import io.truststram.ml.model.Mlp;
import io.truststram.ml.model.Sgd;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;

public class TrainAdultMlp {
  public static void main(String[] args) throws Exception {
    AdultDataset.Split adult = AdultDataset.load(Path.of(args[0]));
    Path out = Path.of(args[1]);
    List<String> features = adult.encoder().featureNames();
    Mlp mlp = new Mlp(features.size(), new int[] {16}, 2);
    float[] w = mlp.initialParameters(7);
    Sgd.train(mlp, w, adult.train(), null, Sgd.Config.plain(5, 64, 0.05, 7));
    Metrics test = Metrics.evaluate(mlp, w, adult.test());
    System.out.printf(Locale.ROOT, "test accuracy %.4f, AUC %.4f%n", test.accuracy(), test.rocAuc());
    Map<String, String> metadata =
        Map.of(
            "format", "truststram",
            "model", mlp.describe(),
            "features", JsonMapper.builder().build().writeValueAsString(features),
            "trained_on", "UCI Adult adult.data, 5 epochs of SGD (batch 64, rate 0.05, seed 7)");
    Path model = out.resolve("adult-mlp.safetensors");
    try (OutputStream file = Files.newOutputStream(model)) {
      SafeTensors.write(
          file, List.of(Tensor.ofFloats("parameters", new long[] {w.length}, w)), metadata);
    }
    Files.write(
        out.resolve("adult-mlp.onnx"),
        OnnxExport.classifier(ClassifierModel.read(model)));
    write(out.resolve("adult-encoded-rows.csv"), features, adult.test(), first(20));
    write(out.resolve("adult-encoded-background.csv"), features, adult.train(), sample(adult.train().rows(), 100));
  }

  static int[] first(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  static int[] sample(int rows, int n) {
    return new Random(11).ints(0, rows).distinct().limit(n).toArray();
  }

  static void write(Path file, List<String> features, Dataset data, int[] rows) throws Exception {
    try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file))) {
      csv.println(String.join(",", features.stream().map(f -> f.contains(",") ? "\"" + f + "\"" : f).toList()));
      for (int r : rows) {
        float[] x = data.row(r);
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < x.length; j++) {
          if (j > 0) {
            line.append(',');
          }
          line.append(x[j] == 0 || x[j] == 1 ? Integer.toString((int) x[j]) : Float.toString(x[j]));
        }
        csv.println(line);
      }
    }
  }
}
