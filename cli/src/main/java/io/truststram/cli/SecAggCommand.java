package io.truststram.cli;

import io.truststram.crypto.homomorphic.Paillier;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.federation.secagg.PaillierAggregation;
import io.truststram.federation.secagg.Quantizer;
import io.truststram.federation.secagg.SecAggLoopback;
import io.truststram.federation.secagg.SecAggParameters;
import io.truststram.federation.secagg.SecAggRound;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code truststram secagg}: the secure aggregation protocols measured on this machine, with no
 * server: every message of a whole round through its binary form, in one process.
 */
@Command(
    name = "secagg",
    mixinStandardHelpOptions = true,
    description = "Secure aggregation, locally (no server).",
    subcommands = {SecAggCommand.Bench.class})
final class SecAggCommand extends CommandGroup {

  /** {@code truststram secagg bench}. */
  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description =
          "One round of SecAgg+ (or SecAgg, or Paillier) for N clients and a model of D values:"
              + " each client's compute and bytes, the coordinator's compute, and the expansion"
              + " against sending the update in the clear (4 bytes a value).")
  static final class Bench extends CryptoCommand.Base {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Option(names = "--clients", required = true, description = "Clients in the round.")
    int clients;

    @Option(names = "--parameters", required = true, description = "Values in the model.")
    int parameters;

    @Option(
        names = "--protocol",
        defaultValue = "secagg+",
        description = "secagg+ (default), secagg (complete graph) or paillier.")
    String protocol;

    @Option(
        names = "--dropout",
        defaultValue = "0",
        description = "Share of clients that drop before --dropout-stage (default 0).")
    double dropout;

    @Option(
        names = "--dropout-stage",
        defaultValue = "mask",
        description =
            "Where they drop: advertise, share, mask (after sharing keys: their masks are"
                + " recovered, the costly case; default) or unmask.")
    String dropoutStage;

    @Option(
        names = "--shares",
        defaultValue = "0",
        description = "k, each neighbourhood's size (default 0: about 3·log2 n).")
    int shares;

    @Option(
        names = "--threshold",
        defaultValue = "0",
        description = "t, the shares that rebuild a secret (default 0: ⌈2k/3⌉).")
    int threshold;

    @Option(
        names = "--kem",
        defaultValue = "ML-KEM-768",
        description = "ML-KEM-768 (default), ML-KEM-1024 or X-Wing.")
    String kem;

    @Option(
        names = "--levels",
        defaultValue = "65537",
        description = "Quantisation levels (default 2^16 + 1).")
    long levels;

    @Option(
        names = "--max-weight",
        defaultValue = "100",
        description = "Largest weight (examples) of one client (default 100).")
    long maxWeight;

    @Option(
        names = "--modulus-bits",
        defaultValue = "32",
        description = "The ring of SecAgg+ (default 32).")
    int modulusBits;

    @Option(
        names = "--paillier-bits",
        defaultValue = "2048",
        description = "Paillier's modulus (default 2048).")
    int paillierBits;

    @Option(
        names = "--sample",
        defaultValue = "2",
        description =
            "Paillier: clients whose encryption is timed (their ciphertexts stand in for the"
                + " others' in the coordinator's sum; default 2).")
    int sample;

    @Override
    public Integer call() {
      if (clients < 2 || parameters < 1) {
        throw new IllegalArgumentException("--clients must be 2 or more, --parameters 1 or more");
      }
      if (!(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException("--dropout is in [0, 1)");
      }
      return print(protocol.equals("paillier") ? paillier() : secagg());
    }

    private Map<String, Object> secagg() {
      SecAggParameters p =
          new SecAggParameters(
              protocol,
              shares,
              threshold,
              1.0,
              levels,
              modulusBits,
              "examples",
              maxWeight,
              0,
              0,
              2,
              Algorithm.of(kem));
      List<String> ids = IntStream.range(0, clients).mapToObj(i -> "client-" + i).toList();
      SecAggRound round = new SecAggRound("bench", 1, 1, ids, RANDOM.nextLong(), parameters, p);
      int dropped = (int) Math.round(dropout * clients);
      Set<Integer> gone = new HashSet<>();
      List<Integer> order = new ArrayList<>(IntStream.range(0, clients).boxed().toList());
      java.util.Collections.shuffle(order, new java.util.Random(7));
      gone.addAll(order.subList(0, dropped));
      SecAggLoopback.Dropouts dropouts =
          switch (dropoutStage) {
            case "advertise" -> new SecAggLoopback.Dropouts(gone, Set.of(), Set.of(), Set.of());
            case "share" -> new SecAggLoopback.Dropouts(Set.of(), gone, Set.of(), Set.of());
            case "mask" -> new SecAggLoopback.Dropouts(Set.of(), Set.of(), gone, Set.of());
            case "unmask" -> new SecAggLoopback.Dropouts(Set.of(), Set.of(), Set.of(), gone);
            default ->
                throw new IllegalArgumentException(
                    "--dropout-stage is advertise, share, mask or unmask");
          };
      float[] input = new float[parameters];
      SplittableRandom values = new SplittableRandom(1);
      for (int j = 0; j < parameters; j++) {
        input[j] = (float) (values.nextDouble() - 0.5) * 0.1f;
      }
      long[] weights = new long[clients];
      java.util.Arrays.fill(weights, maxWeight);
      KeyPair[] identities = SecAggLoopback.identities(clients, RANDOM);
      long start = System.nanoTime();
      SecAggLoopback.Report report =
          SecAggLoopback.run(round, identities, i -> input, weights, dropouts, RANDOM);
      long wall = System.nanoTime() - start;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("protocol", protocol);
      out.put("clients", clients);
      out.put("parameters", parameters);
      out.put("shares", round.shares());
      out.put("threshold", round.threshold());
      out.put("kem", Algorithm.of(kem).fipsName());
      out.put("dropped", dropped);
      out.put("dropoutStage", dropoutStage);
      out.put("aborted", report.aborted());
      List<Integer> active = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        if (report.clientNanos()[i] > 0 && !gone.contains(i)) {
          active.add(i);
        }
      }
      out.put("clientMillisMean", millis(mean(report.clientNanos(), active)));
      out.put("clientMillisMax", millis(max(report.clientNanos(), active)));
      double sent = mean(report.clientBytesSent(), active);
      out.put("clientBytesSentMean", Math.round(sent));
      out.put("clientBytesReceivedMean", Math.round(mean(report.clientBytesReceived(), active)));
      out.put("expansion", round3(sent / (4.0 * parameters)));
      out.put("serverMillis", millis(report.serverNanos()));
      out.put("serverUnmaskMillis", millis(report.unmaskNanos()));
      out.put("wallMillis", millis(wall));
      if (report.result() != null) {
        out.put("survivors", report.result().survivors().size());
        out.put("recoveredDropouts", report.result().droppedAfterSharing().size());
        out.put("worstCaseError", report.result().worstCaseError());
      }
      return out;
    }

    private Map<String, Object> paillier() {
      long start = System.nanoTime();
      Paillier.KeyPair keys = Paillier.generate(paillierBits, RANDOM);
      long keygen = System.nanoTime() - start;
      PaillierAggregation aggregation =
          new PaillierAggregation(
              keys.publicKey(), new Quantizer(1.0, levels), maxWeight, clients, parameters);
      float[] input = new float[parameters];
      SplittableRandom values = new SplittableRandom(1);
      for (int j = 0; j < parameters; j++) {
        input[j] = (float) (values.nextDouble() - 0.5) * 0.1f;
      }
      int timed = Math.max(1, Math.min(sample, clients));
      List<BigInteger[]> encrypted = new ArrayList<>();
      long encryptNanos = 0;
      for (int k = 0; k < timed; k++) {
        start = System.nanoTime();
        encrypted.add(aggregation.encrypt(input, maxWeight, RANDOM).ciphertexts());
        encryptNanos += System.nanoTime() - start;
      }
      int bytesPerCiphertext = (2 * paillierBits + 7) / 8;
      long clientBytes = (long) aggregation.ciphertexts() * bytesPerCiphertext;
      start = System.nanoTime();
      BigInteger[] sum = null;
      for (int k = 0; k < clients; k++) {
        sum = aggregation.add(sum, encrypted.get(k % timed));
      }
      long aggregate = System.nanoTime() - start;
      start = System.nanoTime();
      BigInteger[] plain = new BigInteger[sum.length];
      for (int c = 0; c < sum.length; c++) {
        plain[c] = keys.privateKey().decrypt(sum[c]);
      }
      aggregation.decode(plain, clients);
      long decrypt = System.nanoTime() - start;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("protocol", "paillier");
      out.put("clients", clients);
      out.put("parameters", parameters);
      out.put("modulusBits", paillierBits);
      out.put("slotBits", aggregation.slotBits());
      out.put("valuesPerCiphertext", aggregation.slotsPerCiphertext());
      out.put("ciphertextsPerClient", aggregation.ciphertexts());
      out.put("keygenMillis", millis(keygen));
      out.put("clientEncryptMillisMean", millis(encryptNanos / timed));
      out.put("clientsTimed", timed);
      out.put("clientBytesSent", clientBytes);
      out.put("expansion", round3(clientBytes / (4.0 * parameters)));
      out.put("serverAggregateMillis", millis(aggregate));
      out.put("keyHolderDecryptMillis", millis(decrypt));
      return out;
    }

    private static double mean(long[] values, List<Integer> indices) {
      return indices.stream().mapToLong(i -> values[i]).average().orElse(0);
    }

    private static double max(long[] values, List<Integer> indices) {
      return indices.stream().mapToLong(i -> values[i]).max().orElse(0);
    }

    private static double millis(double nanos) {
      return round3(nanos / 1e6);
    }

    private static double round3(double value) {
      return Math.round(value * 1000) / 1000.0;
    }
  }
}
