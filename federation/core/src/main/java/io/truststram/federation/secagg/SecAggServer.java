package io.truststram.federation.secagg;

import io.truststram.crypto.primitive.DecryptionFailedException;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.seal.SealedBox;
import io.truststram.crypto.sharing.MaskGenerator;
import io.truststram.crypto.sharing.ShamirSecretSharing;
import io.truststram.crypto.sharing.ShamirSecretSharing.Share;
import io.truststram.federation.secagg.SecAggMessages.KeyBundle;
import io.truststram.federation.secagg.SecAggMessages.MaskedInput;
import io.truststram.federation.secagg.SecAggMessages.RevealedShare;
import io.truststram.federation.secagg.SecAggMessages.SealedShares;
import io.truststram.federation.secagg.SecAggMessages.SharePackage;
import io.truststram.federation.secagg.SecAggMessages.UnmaskRequest;
import io.truststram.federation.secagg.SecAggMessages.UnmaskResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coordinator's side of a secure round: it collects each stage's messages, decides at each
 * stage's close who is still in (U1 ⊇ U2 ⊇ U3), relays what clients sealed to each other, and at
 * the end reconstructs the self-masks of the survivors and the mask secrets of the clients that
 * dropped after sharing, removes their masks and returns the sum. It never holds a client's input
 * unmasked: each masked input is added to a running sum when it arrives and not kept, so memory is
 * one model whatever the number of clients.
 *
 * <p>Every message is checked: from a client of the round, at its stage, once (a replay is
 * refused), of the right length and addressing. A round with fewer than {@code min-survivors}
 * clients left at any stage aborts, as does one whose unmasked sum lies outside what inputs in
 * range could sum to (a client that masked wrongly, or shares that do not agree): the result is
 * either the sum of the survivors' inputs or an abort with a reason, never a silent wrong sum.
 *
 * <p>Thread-safe: transports call it from request threads.
 */
public final class SecAggServer {

  /** The stages, in order. */
  public enum Stage {
    ADVERTISE,
    SHARE,
    MASK,
    CONFIRM,
    UNMASK,
    DONE,
    ABORTED
  }

  /**
   * The result of a round.
   *
   * @param mean the weighted mean of the survivors' dequantised inputs
   * @param sum the exact integer sum of the survivors' weighted quantised inputs (noise included)
   * @param weight the sum of their weights (examples, or the number of survivors)
   * @param survivors the clients whose inputs are in the sum
   * @param droppedAfterSharing clients whose masks were removed with their reconstructed secrets
   * @param clippedValues values clipped to the range, summed over the survivors
   * @param normClipped survivors that clipped their update's norm
   * @param weightCapped survivors whose weight was capped
   * @param worstCaseError the largest error of any coordinate of the mean from quantisation
   */
  public record Result(
      float[] mean,
      long[] sum,
      long weight,
      List<Integer> survivors,
      List<Integer> droppedAfterSharing,
      long clippedValues,
      int normClipped,
      int weightCapped,
      double worstCaseError) {}

  private final SecAggRound round;
  private final CommunicationGraph graph;
  private final int threshold;
  private final int minSurvivors;
  private final int bits;
  private final long modulusMask;
  private Stage stage = Stage.ADVERTISE;
  private String abortReason = "";
  private final Map<Integer, KeyBundle> bundles = new TreeMap<>();
  private final Map<Integer, SharePackage> packages = new TreeMap<>();
  private final TreeSet<Integer> masked = new TreeSet<>();
  private final Map<Integer, SecAggMessages.Confirmation> confirmations = new TreeMap<>();
  private final Map<Integer, UnmaskResponse> responses = new TreeMap<>();
  private long[] sum;
  private long clipped;
  private int normClipped;
  private int weightCapped;

  public SecAggServer(SecAggRound round) {
    this.round = round;
    this.graph = round.graph();
    this.threshold = round.threshold();
    this.minSurvivors = round.parameters().minSurvivors();
    this.bits = round.parameters().modulusBits();
    this.modulusMask = bits == 64 ? -1L : (1L << bits) - 1;
  }

  /** The round. */
  public SecAggRound round() {
    return round;
  }

  /** The stage the round is at. */
  public synchronized Stage stage() {
    return stage;
  }

  /** Why the round aborted; empty unless it did. */
  public synchronized String abortReason() {
    return abortReason;
  }

  /** The clients whose message for the current stage has arrived. */
  public synchronized List<Integer> reported() {
    return switch (stage) {
      case ADVERTISE -> List.copyOf(bundles.keySet());
      case SHARE -> List.copyOf(packages.keySet());
      case MASK -> List.copyOf(masked);
      case CONFIRM -> List.copyOf(confirmations.keySet());
      case UNMASK -> List.copyOf(responses.keySet());
      default -> List.of();
    };
  }

  /** The clients expected to report at the current stage. */
  public synchronized List<Integer> expected() {
    return switch (stage) {
      case ADVERTISE -> allClients();
      case SHARE -> List.copyOf(bundles.keySet());
      case MASK -> List.copyOf(packages.keySet());
      case CONFIRM -> List.copyOf(masked);
      case UNMASK -> List.copyOf(confirmations.keySet());
      default -> List.of();
    };
  }

  /**
   * Stage 0: takes a client's key bundle.
   *
   * @throws RefusedMessageException at another stage, from a client that already sent one, or with
   *     a signature that does not verify
   */
  public synchronized void acceptBundle(int client, KeyBundle bundle) {
    requireStage(Stage.ADVERTISE, client);
    if (bundle.client() != client) {
      throw refuse("the bundle names client " + bundle.client());
    }
    if (bundles.containsKey(client)) {
      throw refuse("client " + client + " already sent its keys for this round");
    }
    String problem = SecAggKeys.problem(round, bundle);
    if (problem != null) {
      throw refuse("the bundle is refused: " + problem);
    }
    bundles.put(client, bundle);
  }

  /** Closes stage 0: the clients that sent keys go on. */
  public synchronized void closeAdvertise() {
    requireStage(Stage.ADVERTISE, -1);
    requireSurvivors(bundles.size(), "advertise", "sent keys");
    stage = Stage.SHARE;
  }

  /** Stage 1, what client {@code client} receives: its neighbours' bundles. */
  public synchronized List<KeyBundle> bundlesFor(int client) {
    requireStage(Stage.SHARE, client);
    requireIn(bundles.keySet(), client, "sent no keys");
    List<KeyBundle> out = new ArrayList<>();
    for (int peer : graph.neighbourhood(client)) {
      if (peer != client && bundles.containsKey(peer)) {
        out.add(bundles.get(peer));
      }
    }
    return out;
  }

  /**
   * Stage 1: takes a client's sealed shares, one box for each neighbour that sent keys.
   *
   * @throws RefusedMessageException at another stage, from a client that sent no keys or already
   *     sent shares, or with boxes that do not match its neighbourhood
   */
  public synchronized void acceptShares(int client, SharePackage shares) {
    requireStage(Stage.SHARE, client);
    requireIn(bundles.keySet(), client, "sent no keys");
    if (shares.client() != client) {
      throw refuse("the shares name client " + shares.client());
    }
    if (packages.containsKey(client)) {
      throw refuse("client " + client + " already sent its shares for this round");
    }
    TreeSet<Integer> expected = new TreeSet<>();
    for (int peer : graph.neighbourhood(client)) {
      if (peer != client && bundles.containsKey(peer)) {
        expected.add(peer);
      }
    }
    TreeSet<Integer> got = new TreeSet<>();
    var kem = round.parameters().kem();
    int sharesLength = SecAggKeys.sealedLength(kem, SecAggKeys.SHARES_PLAINTEXT);
    int seedLength = SecAggKeys.sealedLength(kem, 32);
    for (SealedShares box : shares.boxes()) {
      if (box.from() != client || !expected.contains(box.to()) || !got.add(box.to())) {
        throw refuse("a box from " + box.from() + " to " + box.to() + " is not expected");
      }
      if (box.pairSeed().length != (client < box.to() ? seedLength : 0)) {
        throw refuse(
            "the box to " + box.to() + " must carry a sealed pair seed iff " + client + " < it");
      }
      if (box.shares().length != sharesLength
          || box.signature().length != SecAggKeys.IDENTITY.outputLength()) {
        throw refuse("the box to " + box.to() + " is not a sealed pair of shares, signed");
      }
    }
    if (!got.equals(expected)) {
      throw refuse("boxes for " + expected + " are expected, not for " + got);
    }
    packages.put(client, shares);
  }

  /** Closes stage 1: the clients that sent shares go on. */
  public synchronized void closeShares() {
    requireStage(Stage.SHARE, -1);
    requireSurvivors(packages.size(), "share", "sent shares");
    stage = Stage.MASK;
  }

  /** Stage 2, what client {@code client} receives: the boxes sealed to it by those that shared. */
  public synchronized List<SealedShares> boxesFor(int client) {
    requireStage(Stage.MASK, client);
    requireIn(packages.keySet(), client, "sent no shares");
    List<SealedShares> out = new ArrayList<>();
    for (int peer : graph.neighbourhood(client)) {
      SharePackage from = peer == client ? null : packages.get(peer);
      if (from != null) {
        from.boxes().stream().filter(box -> box.to() == client).forEach(out::add);
      }
    }
    return out;
  }

  /**
   * Stage 2: adds a client's masked input to the sum.
   *
   * @throws RefusedMessageException at another stage, from a client that sent no shares or already
   *     sent its input, or of the wrong length
   */
  public synchronized void acceptMasked(int client, MaskedInput input) {
    requireStage(Stage.MASK, client);
    requireIn(packages.keySet(), client, "sent no shares");
    if (input.client() != client) {
      throw refuse("the input names client " + input.client());
    }
    if (masked.contains(client)) {
      throw refuse("client " + client + " already sent its masked input for this round");
    }
    long[] values = input.values();
    if (values.length != round.words()) {
      throw refuse("a masked input has " + round.words() + " words, not " + values.length);
    }
    if (sum == null) {
      sum = new long[round.words()];
    }
    for (int i = 0; i < values.length; i++) {
      if ((values[i] & ~modulusMask) != 0) {
        throw refuse("word " + i + " lies outside the ring");
      }
    }
    for (int i = 0; i < values.length; i++) {
      sum[i] = (sum[i] + values[i]) & modulusMask;
    }
    masked.add(client);
    clipped += input.clipped();
    normClipped += input.normClipped() ? 1 : 0;
    weightCapped += input.weightCapped() ? 1 : 0;
  }

  /** Closes stage 2: the clients that sent inputs are the survivors. */
  public synchronized void closeMasked() {
    requireStage(Stage.MASK, -1);
    requireSurvivors(masked.size(), "mask", "sent masked inputs");
    stage = Stage.CONFIRM;
  }

  /** Stage 3, what a survivor is asked to confirm: every survivor, ascending. */
  public synchronized int[] survivorsFor(int client) {
    requireStage(Stage.CONFIRM, client);
    requireIn(masked, client, "sent no masked input");
    return masked.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Stage 3: takes a survivor's signature over the survivors.
   *
   * @throws RefusedMessageException at another stage, from a client that is not a survivor or
   *     already confirmed, or with a signature that does not verify
   */
  public synchronized void acceptConfirmation(
      int client, SecAggMessages.Confirmation confirmation) {
    requireStage(Stage.CONFIRM, client);
    requireIn(masked, client, "sent no masked input");
    if (confirmation.client() != client) {
      throw refuse("the confirmation names client " + confirmation.client());
    }
    if (confirmations.containsKey(client)) {
      throw refuse("client " + client + " already confirmed");
    }
    int[] survivors = masked.stream().mapToInt(Integer::intValue).toArray();
    if (!SecAggKeys.verifies(
        bundles.get(client).identityKey(),
        SecAggMessages.Confirmation.signed(round, survivors),
        confirmation.signature())) {
      throw refuse("the confirmation's signature does not verify");
    }
    confirmations.put(client, confirmation);
  }

  /** Closes stage 3: the survivors that confirmed are asked for shares. */
  public synchronized void closeConfirm() {
    requireStage(Stage.CONFIRM, -1);
    requireSurvivors(confirmations.size(), "confirm", "confirmed the survivors");
    stage = Stage.UNMASK;
  }

  /** Stage 4, what client {@code client} is asked: the survivors, with its neighbours' proofs. */
  public synchronized UnmaskRequest requestFor(int client) {
    requireStage(Stage.UNMASK, client);
    requireIn(confirmations.keySet(), client, "did not confirm");
    List<SecAggMessages.Confirmation> proofs = new ArrayList<>();
    for (int peer : graph.neighbourhood(client)) {
      if (confirmations.containsKey(peer)) {
        proofs.add(confirmations.get(peer));
      }
    }
    return new UnmaskRequest(client, masked.stream().mapToInt(Integer::intValue).toArray(), proofs);
  }

  /**
   * Stage 3: takes the shares a survivor reveals.
   *
   * @throws RefusedMessageException at another stage, from a client that is not a survivor or
   *     already answered, or with shares that were not asked for
   */
  public synchronized void acceptUnmask(int client, UnmaskResponse response) {
    requireStage(Stage.UNMASK, client);
    requireIn(confirmations.keySet(), client, "did not confirm");
    if (response.client() != client) {
      throw refuse("the response names client " + response.client());
    }
    if (responses.containsKey(client)) {
      throw refuse("client " + client + " already answered");
    }
    TreeSet<Integer> owners = new TreeSet<>();
    for (RevealedShare share : response.shares()) {
      int owner = share.owner();
      boolean asked =
          owner >= 0
              && owner < round.clients().size()
              && graph.adjacent(client, owner)
              && packages.containsKey(owner)
              && share.selfMask() == masked.contains(owner);
      if (!asked || share.share().x() != client + 1 || !owners.add(owner)) {
        throw refuse("client " + client + " revealed a share of " + owner + " not asked for");
      }
    }
    responses.put(client, response);
  }

  /**
   * Closes stage 3 and unmasks: the sum of the survivors' inputs, as their weighted mean.
   *
   * @throws SecAggAbortedException when a secret has fewer than t shares, shares disagree, or the
   *     sum is out of range
   */
  public synchronized Result finish() {
    requireStage(Stage.UNMASK, -1);
    try {
      return unmaskSum();
    } catch (SecAggAbortedException e) {
      abortReason = e.getMessage();
      stage = Stage.ABORTED;
      throw e;
    } catch (RuntimeException e) {
      // Whatever a malicious client sent that slipped past the checks ends the round, not the
      // server.
      abortReason = "unmask: " + e.getMessage();
      stage = Stage.ABORTED;
      throw new SecAggAbortedException("unmask", String.valueOf(e.getMessage()));
    } finally {
      forget();
    }
  }

  /** Aborts the round (a deadline passed with too few messages, or the coordinator stopped). */
  public synchronized void abort(String reason) {
    if (stage != Stage.DONE && stage != Stage.ABORTED) {
      abortReason = reason;
      stage = Stage.ABORTED;
      forget();
    }
  }

  private Result unmaskSum() {
    TreeSet<Integer> dropped = new TreeSet<>(packages.keySet());
    dropped.removeAll(masked);
    Map<Integer, List<Share>> selfShares = new HashMap<>();
    Map<Integer, List<Share>> maskShares = new HashMap<>();
    for (UnmaskResponse response : responses.values()) {
      for (RevealedShare share : response.shares()) {
        (share.selfMask() ? selfShares : maskShares)
            .computeIfAbsent(share.owner(), o -> new ArrayList<>())
            .add(share.share());
      }
    }
    for (int survivor : masked) {
      byte[] seed = reconstruct(selfShares, survivor, "self-mask seed");
      MaskGenerator.apply(seed, SecAggKeys.selfLabel(round, survivor), sum, bits, true);
    }
    for (int gone : dropped) {
      byte[] secret = reconstruct(maskShares, gone, "mask secret");
      KeyPair maskKeys = SecAggKeys.maskKeyPair(round, gone, secret);
      if (!Arrays.equals(maskKeys.publicKey(), bundles.get(gone).maskKey())) {
        throw new SecAggAbortedException(
            "unmask", "the mask secret rebuilt for client " + gone + " is not the one it used");
      }
      for (int peer : graph.neighbourhood(gone)) {
        if (peer == gone || !masked.contains(peer)) {
          continue;
        }
        byte[] seed;
        if (gone < peer) {
          seed = SecAggKeys.pairSeed(round, secret, gone, peer);
        } else {
          SealedShares box =
              packages.get(peer).boxes().stream()
                  .filter(b -> b.to() == gone)
                  .findFirst()
                  .orElseThrow();
          try {
            seed =
                SealedBox.open(
                    round.parameters().kem(),
                    maskKeys.secretKey(),
                    maskKeys.publicKey(),
                    box.pairSeed(),
                    round.labelBytes("pair", peer, gone));
          } catch (DecryptionFailedException | IllegalArgumentException e) {
            throw new SecAggAbortedException(
                "unmask", "the pair seed client " + peer + " sealed to " + gone + " does not open");
          }
          if (seed.length != 32) {
            throw new SecAggAbortedException(
                "unmask", "the pair seed client " + peer + " sealed to " + gone + " is malformed");
          }
        }
        // The survivor added the pair's mask if it is the lower index, subtracted it otherwise.
        MaskGenerator.apply(
            seed,
            SecAggKeys.pairLabel(round, Math.min(gone, peer), Math.max(gone, peer)),
            sum,
            bits,
            peer < gone);
      }
    }
    return decode(dropped);
  }

  private Result decode(TreeSet<Integer> dropped) {
    SecAggParameters p = round.parameters();
    int n = masked.size();
    long weight = signed(sum[round.length()]);
    long maxWeight = p.weighted() ? p.maxWeight() : 1;
    if (weight < n || weight > n * maxWeight) {
      throw new SecAggAbortedException(
          "unmask",
          "the unmasked weight "
              + weight
              + " cannot be the sum of "
              + n
              + " weights of 1 to "
              + maxWeight
              + ": an input or a share was wrong");
    }
    double bound = p.sumBound(n, round.length());
    Quantizer quantizer = p.quantizer();
    float[] mean = new float[round.length()];
    long[] integers = new long[round.length()];
    for (int i = 0; i < mean.length; i++) {
      long value = signed(sum[i]);
      integers[i] = value;
      if (Math.abs((double) value) > bound) {
        throw new SecAggAbortedException(
            "unmask",
            "coordinate "
                + i
                + " of the unmasked sum lies outside what "
                + n
                + " inputs in range could sum to: an input or a share was wrong");
      }
      mean[i] = (float) quantizer.dequantize(value, weight);
    }
    stage = Stage.DONE;
    return new Result(
        mean,
        integers,
        weight,
        List.copyOf(masked),
        List.copyOf(dropped),
        clipped,
        normClipped,
        weightCapped,
        quantizer.worstCaseError());
  }

  private long signed(long word) {
    if (bits == 64) {
      return word;
    }
    return word >= (1L << (bits - 1)) ? word - (1L << bits) : word;
  }

  private byte[] reconstruct(Map<Integer, List<Share>> shares, int owner, String what) {
    List<Share> got = shares.getOrDefault(owner, List.of());
    if (got.size() < threshold) {
      throw new SecAggAbortedException(
          "unmask",
          got.size()
              + " shares of client "
              + owner
              + "'s "
              + what
              + " came back; "
              + threshold
              + " are needed");
    }
    try {
      return ShamirSecretSharing.reconstruct(got, threshold, 32);
    } catch (IllegalArgumentException e) {
      throw new SecAggAbortedException(
          "unmask",
          "the shares of client " + owner + "'s " + what + " disagree: " + e.getMessage());
    }
  }

  /** Drops everything of the round but the stage: no share, box or masked sum outlives it. */
  private void forget() {
    bundles.clear();
    packages.clear();
    confirmations.clear();
    responses.clear();
    if (sum != null && stage != Stage.DONE) {
      Arrays.fill(sum, 0);
    }
    sum = null;
  }

  private void requireSurvivors(int count, String at, String what) {
    if (count < minSurvivors) {
      String reason = count + " clients " + what + "; the round needs at least " + minSurvivors;
      abortReason = at + ": " + reason;
      stage = Stage.ABORTED;
      forget();
      throw new SecAggAbortedException(at, reason);
    }
  }

  private List<Integer> allClients() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < round.clients().size(); i++) {
      out.add(i);
    }
    return out;
  }

  private void requireStage(Stage expected, int client) {
    if (stage != expected) {
      throw new RefusedMessageException(
          "the round is at stage "
              + stage.name().toLowerCase(java.util.Locale.ROOT)
              + (stage == Stage.ABORTED ? " (" + abortReason + ")" : "")
              + ", not "
              + expected.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (client != -1 && (client < 0 || client >= round.clients().size())) {
      throw new RefusedMessageException("client " + client + " is not in the round");
    }
  }

  private static void requireIn(java.util.Collection<Integer> set, int client, String why) {
    if (!set.contains(client)) {
      throw new RefusedMessageException(
          "client " + client + " " + why + " and is out of the round");
    }
  }

  private static RefusedMessageException refuse(String reason) {
    return new RefusedMessageException(reason);
  }

  /** A message the round does not take; the round goes on without it. */
  public static final class RefusedMessageException extends IllegalArgumentException {
    public RefusedMessageException(String message) {
      super(message);
    }
  }
}
