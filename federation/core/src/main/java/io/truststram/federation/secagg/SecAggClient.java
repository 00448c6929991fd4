package io.truststram.federation.secagg;

import io.truststram.crypto.primitive.DecryptionFailedException;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.SignatureScheme;
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
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One client's side of a secure round (SecAgg+, Bell et al. 2020, with post-quantum keys), stage by
 * stage: {@link #advertise}, {@link #shareKeys}, {@link #maskInput}, {@link #confirm}, {@link
 * #unmask}. The coordinator relays every message; what it must not read is sealed to the recipient.
 *
 * <p>Keys. Each round the client makes a channel key pair (a KEM; messages to it are sealed under
 * it and it is never revealed), a 32-byte mask secret m from which its mask KEM key pair and the
 * pairwise seeds it chooses are derived, and a 32-byte self-mask seed b. A KEM is not a key
 * exchange, so for each pair of neighbours the lower-indexed one derives the pair's seed from its m
 * and seals it to the other's mask key: if either drops, the coordinator recovers the seed from the
 * dropped client's m alone (deriving it, or opening the sealed seed with the mask key m
 * determines), never from a survivor's secret. The bundle of the two public keys is signed with the
 * client's long-term ML-DSA-65 identity key, checked by every neighbour against its {@link
 * IdentityDirectory}.
 *
 * <p>Shares. m and b are split by Shamir's scheme (threshold t) among the client's neighbourhood,
 * itself included, each share at the holder's index + 1, sealed to the holder's channel key; each
 * box is signed with the sender's identity key, since a sealed box does not say who sealed it.
 *
 * <p>Consistency. After the inputs, a client signs the survivor list the coordinator announces,
 * once; it reveals shares only for that list, and only when t of its neighbours signed it too. It
 * then reveals, for each neighbour it masked with, the share of b if the neighbour survived or of m
 * if not, never both, so no coordinator can gather both secrets of one client.
 *
 * <p>Instances are for one round and one thread.
 */
public final class SecAggClient {

  private enum Stage {
    NEW,
    ADVERTISED,
    SHARED,
    MASKED,
    CONFIRMED,
    DONE
  }

  private final SecAggRound round;
  private final int me;
  private final KeyPair identity;
  private final IdentityDirectory directory;
  private final SecureRandom random;
  private final int[] neighbourhood;
  private final int threshold;
  private KeyPair channel;
  private byte[] maskSecret;
  private KeyPair maskKeys;
  private byte[] selfSeed;
  private Stage stage = Stage.NEW;

  /** Neighbours that advertised keys, by index. */
  private final Map<Integer, KeyBundle> peers = new TreeMap<>();

  /** Shares held, by owner: [self-mask share, mask-secret share]. */
  private final Map<Integer, Share[]> held = new HashMap<>();

  /** Neighbours I masked with (they sent shares), me included. */
  private final Set<Integer> maskedWith = new HashSet<>();

  private final Map<Integer, byte[]> receivedSeeds = new HashMap<>();

  /** The survivors this client confirmed. */
  private int[] confirmed = new int[0];

  /**
   * A client of {@code round} at index {@code me}, with its long-term ML-DSA-65 {@code identity}
   * key pair.
   */
  public SecAggClient(
      SecAggRound round,
      int me,
      KeyPair identity,
      IdentityDirectory directory,
      SecureRandom random) {
    if (me < 0 || me >= round.clients().size()) {
      throw new IllegalArgumentException("index " + me + " is not a client of the round");
    }
    if (identity.algorithm() != SecAggKeys.IDENTITY) {
      throw new IllegalArgumentException(
          "the identity key is "
              + SecAggKeys.IDENTITY.fipsName()
              + ", not "
              + identity.algorithm());
    }
    this.round = round;
    this.me = me;
    this.identity = identity;
    this.directory = directory;
    this.random = random;
    this.neighbourhood = round.graph().neighbourhood(me);
    this.threshold = round.threshold();
  }

  /** A fresh long-term identity key pair for {@link #SecAggClient}. */
  public static KeyPair newIdentity(SecureRandom random) {
    return Primitives.signer(SecAggKeys.IDENTITY, SecAggKeys.SIGNING).generateKeyPair(random);
  }

  /** This client's index. */
  public int index() {
    return me;
  }

  /** Stage 0: fresh keys for the round, in a bundle signed with the identity key. */
  public KeyBundle advertise() {
    require(Stage.NEW);
    channel = Primitives.kem(round.parameters().kem()).generateKeyPair(random);
    maskSecret = new byte[32];
    random.nextBytes(maskSecret);
    selfSeed = new byte[32];
    random.nextBytes(selfSeed);
    maskKeys = SecAggKeys.maskKeyPair(round, me, maskSecret);
    KeyBundle unsigned =
        new KeyBundle(
            me, identity.publicKey(), channel.publicKey(), maskKeys.publicKey(), new byte[0]);
    byte[] signature = sign(unsigned.signed(round));
    stage = Stage.ADVERTISED;
    return new KeyBundle(
        me, identity.publicKey(), channel.publicKey(), maskKeys.publicKey(), signature);
  }

  /**
   * Stage 1: checks the neighbours' bundles and seals each a share of both secrets (and, to the
   * higher-indexed ones, the pair's seed).
   *
   * @throws SecAggAbortedException when a bundle is not from a neighbour, is not signed by the
   *     identity key the directory holds for it, or fewer than t neighbours (this client included)
   *     advertised keys
   */
  public SharePackage shareKeys(List<KeyBundle> bundles) {
    require(Stage.ADVERTISED);
    for (KeyBundle bundle : bundles) {
      int peer = bundle.client();
      if (peer == me || peer < 0 || peer >= round.clients().size() || !isNeighbour(peer)) {
        throw abort("share", "a key bundle came for client " + peer + ", not a neighbour");
      }
      if (peers.containsKey(peer)) {
        throw abort("share", "two key bundles came for client " + peer);
      }
      verify(bundle);
      peers.put(peer, bundle);
    }
    if (peers.size() + 1 < threshold) {
      throw abort(
          "share",
          (peers.size() + 1)
              + " of this client's neighbourhood advertised keys; the threshold is "
              + threshold);
    }
    int[] holders = new int[peers.size() + 1];
    int h = 0;
    holders[h++] = me;
    for (int peer : peers.keySet()) {
      holders[h++] = peer;
    }
    Arrays.sort(holders);
    int[] points = Arrays.stream(holders).map(i -> i + 1).toArray();
    List<Share> selfShares = ShamirSecretSharing.split(selfSeed, threshold, points, random);
    List<Share> maskShares = ShamirSecretSharing.split(maskSecret, threshold, points, random);
    List<SealedShares> boxes = new ArrayList<>();
    for (int i = 0; i < holders.length; i++) {
      int to = holders[i];
      if (to == me) {
        held.put(me, new Share[] {selfShares.get(i), maskShares.get(i)});
        continue;
      }
      KeyBundle peer = peers.get(to);
      ByteBuffer plain = ByteBuffer.allocate(SecAggKeys.SHARES_PLAINTEXT);
      plain.putInt(me).putInt(to);
      for (Share share : List.of(selfShares.get(i), maskShares.get(i))) {
        plain.putInt(share.x()).put(share.y());
      }
      byte[] sharesBox =
          SealedBox.seal(
              round.parameters().kem(),
              peer.channelKey(),
              plain.array(),
              round.labelBytes("shares", me, to),
              random);
      byte[] pairBox = new byte[0];
      if (me < to) {
        byte[] seed = SecAggKeys.pairSeed(round, maskSecret, me, to);
        pairBox =
            SealedBox.seal(
                round.parameters().kem(),
                peer.maskKey(),
                seed,
                round.labelBytes("pair", me, to),
                random);
        Arrays.fill(seed, (byte) 0);
      }
      SealedShares unsigned = new SealedShares(me, to, sharesBox, pairBox, new byte[0]);
      byte[] signature = sign(unsigned.signed(round));
      boxes.add(new SealedShares(me, to, sharesBox, pairBox, signature));
    }
    stage = Stage.SHARED;
    return new SharePackage(me, boxes);
  }

  /**
   * Stage 2: opens the boxes neighbours sealed to this client and masks {@code update} (with {@code
   * examples} as its weight when the round weighs by examples): clipped to the norm, then
   * quantised, noised when distributed DP is on, masked with the self-mask and one pairwise mask
   * per neighbour that shared.
   *
   * @throws SecAggAbortedException when a box is not for this client, does not open, or fewer than
   *     t of the neighbourhood shared
   * @throws IllegalArgumentException when the update has the wrong length or a non-finite value
   */
  public MaskedInput maskInput(List<SealedShares> received, float[] update, long examples) {
    require(Stage.SHARED);
    if (update.length != round.length()) {
      throw new IllegalArgumentException(
          "the update has " + update.length + " values; the round's model has " + round.length());
    }
    maskedWith.add(me);
    for (SealedShares box : received) {
      open(box);
    }
    if (maskedWith.size() < threshold) {
      throw abort(
          "mask",
          maskedWith.size()
              + " of this client's neighbourhood shared keys; the threshold is "
              + threshold);
    }
    Encoded encoded = encode(update, examples);
    int bits = round.parameters().modulusBits();
    long[] words = encoded.words;
    MaskGenerator.apply(selfSeed, SecAggKeys.selfLabel(round, me), words, bits, false);
    for (int peer : maskedWith) {
      if (peer == me) {
        continue;
      }
      int lower = Math.min(me, peer);
      int higher = Math.max(me, peer);
      byte[] seed =
          me < peer ? SecAggKeys.pairSeed(round, maskSecret, me, peer) : receivedSeeds.get(peer);
      MaskGenerator.apply(seed, SecAggKeys.pairLabel(round, lower, higher), words, bits, me > peer);
    }
    stage = Stage.MASKED;
    return new MaskedInput(me, words, encoded.clipped, encoded.normClipped, encoded.weightCapped);
  }

  /**
   * Stage 3, the consistency check: signs the survivors the coordinator announced, once.
   *
   * @throws SecAggAbortedException when the list is not ascending and of the round's clients, does
   *     not hold this client, or holds fewer than t of its neighbourhood
   */
  public SecAggMessages.Confirmation confirm(int[] survivors) {
    require(Stage.MASKED);
    for (int i = 0; i < survivors.length; i++) {
      if (survivors[i] < 0
          || survivors[i] >= round.clients().size()
          || (i > 0 && survivors[i] <= survivors[i - 1])) {
        throw abort("confirm", "the survivors are not an ascending list of the round's clients");
      }
    }
    if (survivors.length < round.parameters().minSurvivors()) {
      throw abort(
          "confirm",
          survivors.length
              + " survivors; the round sums no fewer than "
              + round.parameters().minSurvivors());
    }
    if (Arrays.binarySearch(survivors, me) < 0) {
      throw abort("confirm", "this client sent its masked input but is not named a survivor");
    }
    int around = 0;
    for (int peer : neighbourhood) {
      around += Arrays.binarySearch(survivors, peer) >= 0 ? 1 : 0;
    }
    if (around < threshold) {
      throw abort(
          "confirm", around + " survivors in this neighbourhood; the threshold is " + threshold);
    }
    confirmed = survivors.clone();
    stage = Stage.CONFIRMED;
    return new SecAggMessages.Confirmation(
        me, sign(SecAggMessages.Confirmation.signed(round, confirmed)));
  }

  /**
   * Stage 4: for each neighbour this client masked with, the share of its self-mask seed if it is a
   * survivor, of its mask secret if not; never both, and only for the survivors this client
   * confirmed and t of its neighbours signed.
   *
   * @throws SecAggAbortedException for a request an honest coordinator would not send: other
   *     survivors than those confirmed, or fewer than t valid confirmations from neighbours
   */
  public UnmaskResponse unmask(UnmaskRequest request) {
    require(Stage.CONFIRMED);
    if (request.client() != me) {
      throw abort("unmask", "the request is for client " + request.client());
    }
    if (!Arrays.equals(request.survivors(), confirmed)) {
      throw abort("unmask", "the survivors differ from those this client confirmed");
    }
    byte[] signed = SecAggMessages.Confirmation.signed(round, confirmed);
    Set<Integer> signers = new HashSet<>();
    for (SecAggMessages.Confirmation confirmation : request.confirmations()) {
      int signer = confirmation.client();
      byte[] key =
          signer == me
              ? identity.publicKey()
              : peers.containsKey(signer) ? peers.get(signer).identityKey() : null;
      if (key != null
          && Arrays.binarySearch(confirmed, signer) >= 0
          && SecAggKeys.verifies(key, signed, confirmation.signature())) {
        signers.add(signer);
      }
    }
    if (signers.size() < threshold) {
      throw abort(
          "unmask",
          signers.size()
              + " neighbours confirmed the survivors; the threshold is "
              + threshold
              + ": the coordinator may be showing clients different survivors");
    }
    List<RevealedShare> out = new ArrayList<>();
    for (int peer : new java.util.TreeSet<>(maskedWith)) {
      boolean survived = Arrays.binarySearch(confirmed, peer) >= 0;
      out.add(new RevealedShare(peer, survived, held.get(peer)[survived ? 0 : 1]));
    }
    stage = Stage.DONE;
    forget();
    return new UnmaskResponse(me, out);
  }

  private void verify(KeyBundle bundle) {
    String problem = SecAggKeys.problem(round, bundle);
    if (problem != null) {
      throw abort(
          "share", "the key bundle of client " + bundle.client() + " is refused: " + problem);
    }
    if (!directory.trusted(round.client(bundle.client()), bundle.identityKey())) {
      throw abort(
          "share",
          "the key bundle of client "
              + round.client(bundle.client())
              + " is signed by a key that is not its identity key: the coordinator may have"
              + " substituted it");
    }
  }

  private void open(SealedShares box) {
    int from = box.from();
    if (box.to() != me || !peers.containsKey(from) || maskedWith.contains(from)) {
      throw abort("mask", "a box from " + from + " to " + box.to() + " is not for this client");
    }
    if (!SecAggKeys.verifies(peers.get(from).identityKey(), box.signed(round), box.signature())) {
      throw abort(
          "mask", "the box from client " + from + " is not signed by it: it was forged or changed");
    }
    byte[] plain;
    try {
      plain =
          SealedBox.open(
              round.parameters().kem(),
              channel.secretKey(),
              channel.publicKey(),
              box.shares(),
              round.labelBytes("shares", from, me));
    } catch (DecryptionFailedException | IllegalArgumentException e) {
      throw abort("mask", "the shares from client " + from + " do not open");
    }
    ByteBuffer in = ByteBuffer.wrap(plain);
    if (plain.length != SecAggKeys.SHARES_PLAINTEXT || in.getInt() != from || in.getInt() != me) {
      throw abort("mask", "the shares from client " + from + " are not addressed to this client");
    }
    Share[] shares = new Share[2];
    for (int i = 0; i < 2; i++) {
      int x = in.getInt();
      byte[] y = new byte[66];
      in.get(y);
      if (x != me + 1) {
        throw abort("mask", "client " + from + " sent a share at another client's point");
      }
      shares[i] = new Share(x, y);
    }
    if (from < me) {
      try {
        byte[] seed =
            SealedBox.open(
                round.parameters().kem(),
                maskKeys.secretKey(),
                maskKeys.publicKey(),
                box.pairSeed(),
                round.labelBytes("pair", from, me));
        if (seed.length != 32) {
          throw abort("mask", "the pair seed from client " + from + " is not 32 bytes");
        }
        receivedSeeds.put(from, seed);
      } catch (DecryptionFailedException | IllegalArgumentException e) {
        throw abort("mask", "the pair seed from client " + from + " does not open");
      }
    } else if (box.pairSeed().length != 0) {
      throw abort("mask", "client " + from + " sent a pair seed it does not choose");
    }
    held.put(from, shares);
    maskedWith.add(from);
  }

  private record Encoded(long[] words, int clipped, boolean normClipped, boolean weightCapped) {}

  private Encoded encode(float[] update, long examples) {
    SecAggParameters p = round.parameters();
    float[] values = update;
    boolean normClipped = false;
    if (p.clipNorm() > 0) {
      double norm = 0;
      for (float v : update) {
        norm += (double) v * v;
      }
      norm = Math.sqrt(norm);
      if (norm > p.clipNorm()) {
        normClipped = true;
        float scale = (float) (p.clipNorm() / norm);
        values = new float[update.length];
        for (int i = 0; i < update.length; i++) {
          values[i] = update[i] * scale;
        }
      }
    }
    Quantizer quantizer = p.quantizer();
    SplittableRandom rounding = new SplittableRandom(random.nextLong());
    Quantizer.Quantized q = quantizer.quantize(values, rounding);
    if (p.noiseMultiplier() > 0) {
      // Conditional randomised rounding: round again until the norm is within the bound the
      // accountant assumes, which one try meets with probability at least 1 − β.
      double bound = p.sensitivitySteps(values.length);
      for (int attempt = 0; squaredNorm(q.values()) > bound * bound; attempt++) {
        if (attempt == 1000) {
          throw new IllegalStateException("randomised rounding did not meet its norm bound");
        }
        q = quantizer.quantize(values, rounding);
      }
    }
    long weight = 1;
    boolean weightCapped = false;
    if (p.weighted()) {
      if (examples < 1) {
        throw new IllegalArgumentException("a weighted update has 1 or more examples");
      }
      weight = Math.min(examples, p.maxWeight());
      weightCapped = examples > p.maxWeight();
    }
    long[] words = new long[round.words()];
    long[] quantised = q.values();
    for (int i = 0; i < quantised.length; i++) {
      words[i] = quantised[i] * weight;
    }
    if (p.noiseMultiplier() > 0) {
      DiscreteGaussian noise = new DiscreteGaussian(random);
      double variance = p.clientNoiseVariance(values.length);
      for (int i = 0; i < quantised.length; i++) {
        words[i] += noise.sample(variance);
      }
    }
    words[quantised.length] = weight;
    long modulus = p.modulusBits() == 64 ? -1L : (1L << p.modulusBits()) - 1;
    for (int i = 0; i < words.length; i++) {
      words[i] &= modulus;
    }
    return new Encoded(words, q.clipped(), normClipped, weightCapped);
  }

  private static double squaredNorm(long[] values) {
    double sum = 0;
    for (long v : values) {
      sum += (double) v * v;
    }
    return sum;
  }

  private byte[] sign(byte[] message) {
    SignatureScheme signer = Primitives.signer(SecAggKeys.IDENTITY, SecAggKeys.SIGNING);
    return signer.sign(identity.secretKey(), message, SecAggKeys.SIGNING, random);
  }

  private boolean isNeighbour(int peer) {
    return Arrays.binarySearch(neighbourhood, peer) >= 0;
  }

  private void require(Stage expected) {
    if (stage != expected) {
      throw new IllegalStateException(
          "client " + me + " is at stage " + stage + ", not " + expected);
    }
  }

  private SecAggAbortedException abort(String at, String reason) {
    forget();
    stage = Stage.DONE;
    return new SecAggAbortedException(at, reason);
  }

  /** Drops the round's secrets; nothing of them is needed after unmasking or an abort. */
  private void forget() {
    if (maskSecret != null) {
      Arrays.fill(maskSecret, (byte) 0);
    }
    if (selfSeed != null) {
      Arrays.fill(selfSeed, (byte) 0);
    }
    receivedSeeds.values().forEach(seed -> Arrays.fill(seed, (byte) 0));
  }
}
