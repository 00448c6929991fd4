package io.truststram.cli;

import io.truststram.crypto.primitive.Aes256Gcm;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.Encapsulation;
import io.truststram.crypto.primitive.Hmac;
import io.truststram.crypto.primitive.Kem;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.SignOptions;
import io.truststram.crypto.primitive.SignatureScheme;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code truststram crypto bench}: operations per second of every algorithm and implementation on
 * this machine, one thread, measured by the clock after a warm-up. A quick look, not JMH: the
 * recorded figures are in {@code bench/results/crypto.md}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Operations per second of each algorithm (keygen, encaps/decaps or sign/verify) and"
            + " implementation on this machine, on one thread.")
final class CryptoBenchCommand extends CryptoCommand.Base {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Option(
      names = "--alg",
      description = "Only these algorithms (repeatable); default all, and AES-256-GCM and HMAC.")
  List<String> algorithms;

  @Option(
      names = "--seconds",
      defaultValue = "0.5",
      description = "Measuring time per operation, after half as long of warm-up (default 0.5).")
  double seconds;

  @Option(
      names = "--message-bytes",
      defaultValue = "1024",
      description = "Message size for signatures, AES-256-GCM and HMAC (default 1024).")
  int messageBytes;

  private interface Operation {
    void run() throws Exception;
  }

  private record Result(
      String algorithm, String implementation, String operation, long count, double perSecond) {}

  @Override
  public Integer call() throws Exception {
    if (seconds <= 0 || seconds > 60 || messageBytes < 0 || messageBytes > (1 << 24)) {
      throw new IllegalArgumentException(
          "--seconds is in (0, 60] and --message-bytes in [0, 16 MiB]");
    }
    List<Algorithm> chosen = new ArrayList<>();
    boolean symmetric = algorithms == null;
    if (algorithms == null) {
      chosen.addAll(List.of(Algorithm.values()));
    } else {
      for (String name : algorithms) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        if (upper.equals("AES-256-GCM") || upper.equals("HMAC")) {
          symmetric = true;
        } else {
          chosen.add(algorithm(name));
        }
      }
    }
    byte[] message = new byte[messageBytes];
    RANDOM.nextBytes(message);
    List<Result> results = new ArrayList<>();
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.printf(
          "%-22s %-14s %-8s %14s %12s%n", "algorithm", "implementation", "op", "ops/s", "µs/op");
    }
    for (Algorithm algorithm : chosen) {
      if (algorithm.kind() == Algorithm.Kind.KEM) {
        for (Kem kem : Primitives.kems(algorithm)) {
          KeyPair pair = kem.generateKeyPair(RANDOM);
          Encapsulation encapsulation = kem.encapsulate(pair.publicKey(), RANDOM);
          String impl = implementation(kem.implementation());
          results.add(measure(out, algorithm, impl, "keygen", () -> kem.generateKeyPair(RANDOM)));
          results.add(
              measure(
                  out, algorithm, impl, "encaps", () -> kem.encapsulate(pair.publicKey(), RANDOM)));
          results.add(
              measure(
                  out,
                  algorithm,
                  impl,
                  "decaps",
                  () -> kem.decapsulate(pair.secretKey(), encapsulation.ciphertext())));
        }
      } else {
        for (SignatureScheme scheme : Primitives.signers(algorithm)) {
          KeyPair pair = scheme.generateKeyPair(RANDOM);
          byte[] signature = scheme.sign(pair.secretKey(), message, SignOptions.NONE, RANDOM);
          String impl = implementation(scheme.implementation());
          results.add(
              measure(out, algorithm, impl, "keygen", () -> scheme.generateKeyPair(RANDOM)));
          results.add(
              measure(
                  out,
                  algorithm,
                  impl,
                  "sign",
                  () -> scheme.sign(pair.secretKey(), message, SignOptions.NONE, RANDOM)));
          results.add(
              measure(
                  out,
                  algorithm,
                  impl,
                  "verify",
                  () -> {
                    if (!scheme.verify(pair.publicKey(), message, signature, SignOptions.NONE)) {
                      throw new IllegalStateException(algorithm.fipsName() + " did not verify");
                    }
                  }));
        }
      }
    }
    if (symmetric) {
      byte[] key = new byte[32];
      RANDOM.nextBytes(key);
      byte[] sealed = Aes256Gcm.encrypt(key, message, new byte[0], RANDOM);
      results.add(
          measure(
              out,
              "AES-256-GCM",
              "jdk",
              "encrypt",
              () -> Aes256Gcm.encrypt(key, message, new byte[0], RANDOM)));
      results.add(
          measure(
              out,
              "AES-256-GCM",
              "jdk",
              "decrypt",
              () -> Aes256Gcm.decrypt(key, sealed, new byte[0])));
      results.add(measure(out, "HMAC-SHA-256", "jdk", "mac", () -> Hmac.SHA256.mac(key, message)));
    }
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Result result : results) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("algorithm", result.algorithm());
        row.put("implementation", result.implementation());
        row.put("operation", result.operation());
        row.put("operations", result.count());
        row.put("opsPerSecond", Math.round(result.perSecond() * 10) / 10.0);
        rows.add(row);
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("seconds", seconds);
      summary.put("messageBytes", messageBytes);
      summary.put("threads", 1);
      summary.put("results", rows);
      return print(summary);
    }
    return 0;
  }

  private static String implementation(
      io.truststram.crypto.primitive.Implementation implementation) {
    return implementation == io.truststram.crypto.primitive.Implementation.JDK
        ? "jdk"
        : "bouncy-castle";
  }

  private Result measure(
      PrintWriter out, Algorithm algorithm, String implementation, String operation, Operation op)
      throws Exception {
    return measure(out, algorithm.fipsName(), implementation, operation, op);
  }

  private Result measure(
      PrintWriter out, String algorithm, String implementation, String operation, Operation op)
      throws Exception {
    run(op, (long) (seconds * 0.5e9));
    long[] counted = run(op, (long) (seconds * 1e9));
    double perSecond = counted[0] / (counted[1] / 1e9);
    if (!json) {
      out.printf(
          "%-22s %-14s %-8s %14.1f %12.1f%n",
          algorithm, implementation, operation, perSecond, 1e6 / perSecond);
      out.flush();
    }
    return new Result(algorithm, implementation, operation, counted[0], perSecond);
  }

  /** Runs {@code op} for at least {@code nanos} and at least once: {count, elapsed nanos}. */
  private static long[] run(Operation op, long nanos) throws Exception {
    long start = System.nanoTime();
    long count = 0;
    long elapsed;
    do {
      op.run();
      count++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < nanos);
    return new long[] {count, elapsed};
  }
}
