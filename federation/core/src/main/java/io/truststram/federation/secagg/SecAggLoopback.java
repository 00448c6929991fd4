package io.truststram.federation.secagg;

import io.truststram.crypto.primitive.KeyPair;
import io.truststram.federation.secagg.SecAggMessages.KeyBundle;
import io.truststram.federation.secagg.SecAggMessages.MaskedInput;
import io.truststram.federation.secagg.SecAggMessages.SealedShares;
import io.truststram.federation.secagg.SecAggMessages.SharePackage;
import io.truststram.federation.secagg.SecAggMessages.UnmaskRequest;
import io.truststram.federation.secagg.SecAggMessages.UnmaskResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Runs whole secure rounds in one process, every message through its binary form, with clients that
 * drop before any stage: for tests of the protocol and for measuring its cost (each client's
 * compute and bytes, the coordinator's compute) without a network in the way.
 */
public final class SecAggLoopback {

  /**
   * The clients that drop before each stage (they send nothing from that stage on); those that drop
   * before unmasking leave before the consistency check.
   */
  public record Dropouts(
      Set<Integer> beforeAdvertise,
      Set<Integer> beforeShare,
      Set<Integer> beforeMask,
      Set<Integer> beforeUnmask) {

    public static final Dropouts NONE = new Dropouts(Set.of(), Set.of(), Set.of(), Set.of());

    boolean gone(int client, int stage) {
      return switch (stage) {
        case 0 -> beforeAdvertise.contains(client);
        case 1 -> gone(client, 0) || beforeShare.contains(client);
        case 2 -> gone(client, 1) || beforeMask.contains(client);
        default -> gone(client, 2) || beforeUnmask.contains(client);
      };
    }
  }

  /**
   * What a round cost and gave.
   *
   * @param result the unmasked result, or null when the round aborted
   * @param aborted why it aborted, or null
   * @param clientNanos each client's compute over the four stages (0 for one that dropped first)
   * @param clientBytesSent each client's bytes sent
   * @param clientBytesReceived each client's bytes received
   * @param serverNanos the coordinator's compute, all stages
   * @param unmaskNanos the coordinator's compute in the last stage (reconstruction and unmasking)
   */
  public record Report(
      SecAggServer.Result result,
      String aborted,
      long[] clientNanos,
      long[] clientBytesSent,
      long[] clientBytesReceived,
      long serverNanos,
      long unmaskNanos) {}

  private SecAggLoopback() {}

  /** Long-term identities for {@code clients} clients. */
  public static KeyPair[] identities(int clients, SecureRandom random) {
    KeyPair[] out = new KeyPair[clients];
    for (int i = 0; i < clients; i++) {
      out[i] = SecAggClient.newIdentity(random);
    }
    return out;
  }

  /** A directory that knows every identity of {@code round}. */
  public static IdentityDirectory directory(SecAggRound round, KeyPair[] identities) {
    Map<String, byte[]> keys = new HashMap<>();
    for (int i = 0; i < identities.length; i++) {
      keys.put(round.client(i), identities[i].publicKey());
    }
    return IdentityDirectory.of(keys);
  }

  /**
   * Runs {@code round}: client i sends {@code inputs.apply(i)} with weight {@code weights[i]},
   * unless it drops.
   */
  public static Report run(
      SecAggRound round,
      KeyPair[] identities,
      IntFunction<float[]> inputs,
      long[] weights,
      Dropouts dropouts,
      SecureRandom random) {
    int n = round.clients().size();
    IdentityDirectory directory = directory(round, identities);
    SecAggServer server = new SecAggServer(round);
    SecAggClient[] clients = new SecAggClient[n];
    long[] nanos = new long[n];
    long[] sent = new long[n];
    long[] received = new long[n];
    long serverNanos = 0;
    int bits = round.parameters().modulusBits();
    try {
      for (int i = 0; i < n; i++) {
        if (dropouts.gone(i, 0)) {
          continue;
        }
        long start = System.nanoTime();
        clients[i] = new SecAggClient(round, i, identities[i], directory, random);
        byte[] bundle = clients[i].advertise().encode();
        nanos[i] += System.nanoTime() - start;
        sent[i] += bundle.length;
        start = System.nanoTime();
        server.acceptBundle(i, KeyBundle.decode(bundle));
        serverNanos += System.nanoTime() - start;
      }
      long start = System.nanoTime();
      server.closeAdvertise();
      serverNanos += System.nanoTime() - start;
      List<Integer> advertised = server.expected();
      for (int i : advertised) {
        start = System.nanoTime();
        byte[] bundles = SecAggMessages.encodeBundles(server.bundlesFor(i));
        serverNanos += System.nanoTime() - start;
        if (dropouts.gone(i, 1)) {
          continue;
        }
        received[i] += bundles.length;
        start = System.nanoTime();
        byte[] shares = clients[i].shareKeys(SecAggMessages.decodeBundles(bundles)).encode();
        nanos[i] += System.nanoTime() - start;
        sent[i] += shares.length;
        start = System.nanoTime();
        server.acceptShares(i, SharePackage.decode(shares));
        serverNanos += System.nanoTime() - start;
      }
      start = System.nanoTime();
      server.closeShares();
      serverNanos += System.nanoTime() - start;
      for (int i : new ArrayList<>(server.expected())) {
        start = System.nanoTime();
        byte[] boxes = SecAggMessages.encodeBoxes(i, server.boxesFor(i));
        serverNanos += System.nanoTime() - start;
        if (dropouts.gone(i, 2)) {
          continue;
        }
        received[i] += boxes.length;
        float[] input = inputs.apply(i);
        start = System.nanoTime();
        List<SealedShares> opened = SecAggMessages.decodeBoxes(boxes);
        byte[] masked = clients[i].maskInput(opened, input, weights[i]).encode(bits);
        nanos[i] += System.nanoTime() - start;
        sent[i] += masked.length;
        start = System.nanoTime();
        server.acceptMasked(i, MaskedInput.decode(masked, round.words(), bits));
        serverNanos += System.nanoTime() - start;
      }
      start = System.nanoTime();
      server.closeMasked();
      serverNanos += System.nanoTime() - start;
      for (int i : new ArrayList<>(server.expected())) {
        start = System.nanoTime();
        byte[] survivors = SecAggMessages.encodeSurvivors(server.survivorsFor(i));
        serverNanos += System.nanoTime() - start;
        if (dropouts.gone(i, 3)) {
          continue;
        }
        received[i] += survivors.length;
        start = System.nanoTime();
        byte[] confirmation =
            clients[i].confirm(SecAggMessages.decodeSurvivors(survivors)).encode();
        nanos[i] += System.nanoTime() - start;
        sent[i] += confirmation.length;
        start = System.nanoTime();
        server.acceptConfirmation(i, SecAggMessages.Confirmation.decode(confirmation));
        serverNanos += System.nanoTime() - start;
      }
      start = System.nanoTime();
      server.closeConfirm();
      serverNanos += System.nanoTime() - start;
      long unmaskStart = System.nanoTime();
      long unmaskClientNanos = 0;
      for (int i : new ArrayList<>(server.expected())) {
        byte[] request = server.requestFor(i).encode();
        received[i] += request.length;
        long clientStart = System.nanoTime();
        byte[] response = clients[i].unmask(UnmaskRequest.decode(request)).encode();
        long spent = System.nanoTime() - clientStart;
        nanos[i] += spent;
        unmaskClientNanos += spent;
        sent[i] += response.length;
        server.acceptUnmask(i, UnmaskResponse.decode(response));
      }
      SecAggServer.Result result = server.finish();
      long unmaskNanos = System.nanoTime() - unmaskStart - unmaskClientNanos;
      serverNanos += unmaskNanos;
      return new Report(result, null, nanos, sent, received, serverNanos, unmaskNanos);
    } catch (SecAggAbortedException e) {
      return new Report(null, e.getMessage(), nanos, sent, received, serverNanos, 0);
    }
  }
}
