package io.truststram.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.ml.partition.Partitions;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Adult data set: the real files from the shared copy when it is there (the repository's
 * sibling {@code shared/datasets/adult}, or {@code TRUSTSTRAM_DATASETS}), otherwise a generated
 * sample in the same format.
 */
class AdultDatasetTest {

  @Test
  void theRealFilesLoadWithTheirPublishedSizesAndEncoding() throws IOException {
    Optional<Path> shared = sharedCopy();
    if (shared.isEmpty()) {
      var sample =
          AdultDataset.parse(new StringReader(sample(300, 1)), new StringReader(sample(60, 2)));
      assertThat(sample.train().rows()).isEqualTo(300);
      assertThat(sample.test().rows()).isEqualTo(60);
      assertThat(sample.train().classNames()).containsExactly("<=50K", ">50K");
      return;
    }
    var adult = AdultDataset.load(shared.get());
    assertThat(adult.train().rows()).isEqualTo(32_561);
    assertThat(adult.test().rows()).isEqualTo(16_281);
    assertThat(adult.train().classNames()).containsExactly("<=50K", ">50K");
    assertThat(adult.train().classCounts()).containsExactly(24_720, 7_841);
    assertThat(adult.test().classCounts()).containsExactly(12_435, 3_846);
    // 5 numeric attributes and the one-hot categories seen in training ('?' is missing).
    assertThat(adult.train().columns()).isEqualTo(104);
    assertThat(adult.encoder().featureNames())
        .contains("sex=Female", "native-country=Holand-Netherlands");

    Map<String, int[]> byCountry =
        Partitions.byValue(adult.trainTable().column("native-country"), 10);
    assertThat(byCountry).hasSize(10);
    assertThat(byCountry.keySet().iterator().next()).isEqualTo("United-States");
    assertThat(byCountry.get("United-States")).hasSize(29_170);
    assertThat(byCountry.values().stream().mapToInt(rows -> rows.length).sum()).isEqualTo(32_561);
  }

  @Test
  void logisticRegressionReachesTheUsualAccuracyOnTheTestRows() throws IOException {
    Optional<Path> shared = sharedCopy();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        shared.isPresent(), "needs the shared copy of the real files");
    var adult = AdultDataset.load(shared.get());
    var model = new io.truststram.ml.model.LogisticRegression(adult.train().columns());
    float[] w = model.initialParameters(0);
    io.truststram.ml.model.Sgd.train(
        model, w, adult.train(), null, io.truststram.ml.model.Sgd.Config.plain(3, 32, 0.1, 1));
    var metrics = io.truststram.ml.model.Metrics.evaluate(model, w, adult.test());
    // Published logistic-regression results on Adult are about 85% accuracy.
    assertThat(metrics.accuracy()).isGreaterThan(0.84);
    assertThat(metrics.rocAuc()).isGreaterThan(0.89);
  }

  @Test
  void fetchingVerifiesTheChecksumsAndLeavesNothingBehindOnAMismatch(@TempDir Path temp)
      throws IOException {
    Optional<Path> shared = sharedCopy();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        shared.isPresent(), "needs the shared copy of the real files");
    Path mirror = Files.createDirectories(temp.resolve("mirror"));
    Files.copy(shared.get().resolve("adult.data"), mirror.resolve("adult.data"));
    Files.copy(shared.get().resolve("adult.names"), mirror.resolve("adult.names"));
    // As UCI serves it: the test file starts with a comment line.
    Files.write(
        mirror.resolve("adult.test"),
        concat(
            "|1x3 Cross validator\n".getBytes(StandardCharsets.US_ASCII),
            Files.readAllBytes(shared.get().resolve("adult.test"))));

    Path target = temp.resolve("data");
    AdultDataset.fetch(mirror.toUri(), target);
    assertThat(AdultDataset.load(target).test().rows()).isEqualTo(16_281);

    byte[] tampered = Files.readAllBytes(mirror.resolve("adult.data"));
    tampered[100] ^= 1;
    Files.write(mirror.resolve("adult.data"), tampered);
    Path other = temp.resolve("other");
    assertThatThrownBy(() -> AdultDataset.fetch(mirror.toUri(), other))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("adult.data is not UCI's");
    try (var left = Files.list(other)) {
      assertThat(left).isEmpty();
    }
  }

  /** The shared copy of the real files, when this machine has it. */
  static Optional<Path> sharedCopy() {
    String configured = System.getenv("TRUSTSTRAM_DATASETS");
    if (configured != null && Files.isRegularFile(Path.of(configured, "adult", "adult.data"))) {
      return Optional.of(Path.of(configured, "adult"));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/datasets/adult");
      if (Files.isRegularFile(candidate.resolve("adult.data"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Rows in Adult's format with plausible values. */
  static String sample(int rows, long seed) {
    Random random = new Random(seed);
    String[] work = {"Private", "Self-emp-not-inc", "State-gov", "?"};
    String[] countries = {"United-States", "Mexico", "Philippines", "Germany"};
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      int age = 18 + random.nextInt(60);
      boolean rich = random.nextDouble() < 0.25;
      out.append(age)
          .append(", ")
          .append(work[random.nextInt(work.length)])
          .append(", ")
          .append(100_000 + random.nextInt(200_000))
          .append(", Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, ")
          .append(random.nextBoolean() ? "Male" : "Female")
          .append(", 0, 0, ")
          .append(20 + random.nextInt(40))
          .append(", ")
          .append(countries[random.nextInt(countries.length)])
          .append(", ")
          .append(rich ? ">50K" : "<=50K")
          .append('\n');
    }
    return out.toString();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
