package io.truststram.ml.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The UCI Adult (Census Income) data set: Barry Becker and Ronny Kohavi, 1996,
 * https://doi.org/10.24432/C5XW20, licensed CC BY 4.0. 32,561 training and 16,281 test rows of 14
 * attributes and an income label ({@code <=50K}, {@code >50K}); the standard tabular benchmark for
 * fairness (sensitive attributes {@code sex}, {@code race}) and for naturally non-IID federated
 * splits (by {@code native-country} or {@code occupation}).
 */
public final class AdultDataset {

  /** Where UCI serves the files. */
  public static final URI UCI =
      URI.create("https://archive.ics.uci.edu/ml/machine-learning-databases/adult/");

  /** MD5 of {@code adult.data} as UCI distributes it. */
  public static final String DATA_MD5 = "5d7c39d7b8804f071cdd1f2a7c460872";

  /**
   * MD5 of {@code adult.test}'s rows: the file as UCI distributes it without its first line (the
   * comment {@code |1x3 Cross validator}).
   */
  public static final String TEST_ROWS_MD5 = "72bfa60dbe60afce1e18b6f9890e025a";

  public static final List<String> COLUMNS =
      List.of(
          "age",
          "workclass",
          "fnlwgt",
          "education",
          "education-num",
          "marital-status",
          "occupation",
          "relationship",
          "race",
          "sex",
          "capital-gain",
          "capital-loss",
          "hours-per-week",
          "native-country",
          "income");

  /**
   * The usual encoding: six numeric attributes standardised, eight categorical ones one-hot ({@code
   * ?} is missing), {@code fnlwgt} (a census sampling weight, not an attribute of the person) left
   * out, the label without the test file's trailing full stop.
   */
  public static final TabularEncoder.Schema SCHEMA =
      new TabularEncoder.Schema(
          List.of(
              new TabularEncoder.Numeric("age"),
              new TabularEncoder.Categorical("workclass"),
              new TabularEncoder.Ignored("fnlwgt"),
              new TabularEncoder.Categorical("education"),
              new TabularEncoder.Numeric("education-num"),
              new TabularEncoder.Categorical("marital-status"),
              new TabularEncoder.Categorical("occupation"),
              new TabularEncoder.Categorical("relationship"),
              new TabularEncoder.Categorical("race"),
              new TabularEncoder.Categorical("sex"),
              new TabularEncoder.Numeric("capital-gain"),
              new TabularEncoder.Numeric("capital-loss"),
              new TabularEncoder.Numeric("hours-per-week"),
              new TabularEncoder.Categorical("native-country"),
              new TabularEncoder.Label("income", ".")),
          Set.of("?"));

  private static final CsvTable.Format FORMAT = new CsvTable.Format(',', false, "|");

  private AdultDataset() {}

  /**
   * The raw tables and the encoded data sets, encoded with statistics of the training rows.
   *
   * @param encoder fitted on {@code trainTable}
   */
  public record Split(
      CsvTable trainTable,
      CsvTable testTable,
      Dataset train,
      Dataset test,
      TabularEncoder encoder) {}

  /**
   * Loads {@code adult.data} and {@code adult.test} from {@code directory}, checking both against
   * their published checksums.
   *
   * @throws IOException when a file is missing, unreadable or not the published one
   */
  public static Split load(Path directory) throws IOException {
    byte[] data = Files.readAllBytes(directory.resolve("adult.data"));
    byte[] test = Files.readAllBytes(directory.resolve("adult.test"));
    verify("adult.data", data, test);
    CsvTable train = table(data);
    CsvTable testTable = table(test);
    TabularEncoder encoder = TabularEncoder.fit(SCHEMA, train);
    return new Split(
        train, testTable, encoder.transform(train), encoder.transform(testTable), encoder);
  }

  /**
   * Reads rows in Adult's format without checking them against the published files (for samples and
   * subsets), and encodes them with statistics of {@code train}.
   */
  public static Split parse(Reader train, Reader test) throws IOException {
    CsvTable trainTable = CsvTable.read(train, FORMAT, COLUMNS);
    CsvTable testTable = CsvTable.read(test, FORMAT, COLUMNS);
    TabularEncoder encoder = TabularEncoder.fit(SCHEMA, trainTable);
    return new Split(
        trainTable,
        testTable,
        encoder.transform(trainTable),
        encoder.transform(testTable),
        encoder);
  }

  /**
   * Downloads {@code adult.data}, {@code adult.test} and {@code adult.names} from {@code base}
   * (UCI's address, or a mirror, or a {@code file:} directory) into {@code directory}, and checks
   * the data files' checksums before any of them is moved into place: a failed or tampered download
   * leaves {@code directory} as it was.
   */
  public static void fetch(URI base, Path directory) throws IOException {
    Files.createDirectories(directory);
    byte[] data = download(base.resolve("adult.data"));
    byte[] test = download(base.resolve("adult.test"));
    byte[] names = download(base.resolve("adult.names"));
    verify("adult.data", data, test);
    for (var file :
        List.of(
            java.util.Map.entry("adult.data", data),
            java.util.Map.entry("adult.test", test),
            java.util.Map.entry("adult.names", names))) {
      Path temporary = Files.createTempFile(directory, file.getKey(), ".part");
      Files.write(temporary, file.getValue());
      Files.move(
          temporary,
          directory.resolve(file.getKey()),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void verify(String name, byte[] data, byte[] test) throws IOException {
    if (!md5(data).equals(DATA_MD5)) {
      throw new IOException(
          name + " is not UCI's (md5 " + md5(data) + ", expected " + DATA_MD5 + ")");
    }
    byte[] rows = withoutComment(test);
    if (!md5(rows).equals(TEST_ROWS_MD5)) {
      throw new IOException(
          "adult.test is not UCI's (md5 of its rows "
              + md5(rows)
              + ", expected "
              + TEST_ROWS_MD5
              + ")");
    }
  }

  /** The test file without a leading {@code |} comment line, as the shared copy comes. */
  private static byte[] withoutComment(byte[] test) {
    if (test.length > 0 && test[0] == '|') {
      int newline = 0;
      while (newline < test.length && test[newline] != '\n') {
        newline++;
      }
      return java.util.Arrays.copyOfRange(test, Math.min(test.length, newline + 1), test.length);
    }
    return test;
  }

  private static CsvTable table(byte[] bytes) throws IOException {
    try (Reader reader = new StringReader(new String(bytes, StandardCharsets.US_ASCII))) {
      return CsvTable.read(reader, FORMAT, COLUMNS);
    }
  }

  private static byte[] download(URI uri) throws IOException {
    URLConnection connection = uri.toURL().openConnection();
    connection.setConnectTimeout(15_000);
    connection.setReadTimeout(60_000);
    try (InputStream in = connection.getInputStream()) {
      byte[] bytes = in.readNBytes(16 * 1024 * 1024);
      if (in.read() != -1) {
        throw new IOException(uri + " is larger than any Adult file");
      }
      return bytes;
    }
  }

  static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java platform", e);
    }
  }
}
