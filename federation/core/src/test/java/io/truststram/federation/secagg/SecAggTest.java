package io.truststram.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.federation.secagg.SecAggLoopback.Dropouts;
import io.truststram.federation.secagg.SecAggMessages.KeyBundle;
import io.truststram.federation.secagg.SecAggMessages.MaskedInput;
import io.truststram.federation.secagg.SecAggMessages.SharePackage;
import io.truststram.federation.secagg.SecAggMessages.UnmaskRequest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SecAggTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Parameters with 2^8 + 1 levels over ±1, so that inputs on the grid quantise exactly. */
  private static SecAggParameters parameters(int shares, int threshold, int minSurvivors) {
    return new SecAggParameters(
        "secagg+",
        shares,
        threshold,
        1.0,
        257,
        32,
        "examples",
        1000,
        0,
        0,
        minSurvivors,
        Algorithm.ML_KEM_768);
  }

  private static SecAggRound round(int clients, int length, SecAggParameters parameters) {
    List<String> ids = IntStream.range(0, clients).mapToObj(i -> "node-" + i).toList();
    return new SecAggRound("fed-1", 3, 1, ids, 42L, length, parameters);
  }

  /** Inputs on the quantisation grid: client i's value j is ((i·7 + j) mod 257 − 128)/128. */
  private static float[] gridInput(int client, int length) {
    float[] out = new float[length];
    for (int j = 0; j < length; j++) {
      out[j] = (float) ((Math.floorMod(client * 7 + j * 3, 257) - 128) / 128.0);
    }
    return out;
  }

  private static long[] weights(int clients) {
    long[] out = new long[clients];
    for (int i = 0; i < clients; i++) {
      out[i] = 10 + 13L * i;
    }
    return out;
  }

  private static void assertExactSum(
      SecAggLoopback.Report report, int length, long[] weights, Set<Integer> survivors) {
    assertThat(report.aborted()).isNull();
    SecAggServer.Result result = report.result();
    assertThat(new HashSet<>(result.survivors())).isEqualTo(survivors);
    long weight = 0;
    long[] expected = new long[length];
    for (int i : survivors) {
      weight += weights[i];
      float[] input = gridInput(i, length);
      for (int j = 0; j < length; j++) {
        expected[j] += weights[i] * Math.round(input[j] * 128);
      }
    }
    assertThat(result.weight()).isEqualTo(weight);
    assertThat(result.sum()).isEqualTo(expected);
    for (int j = 0; j < length; j++) {
      assertThat(result.mean()[j]).isCloseTo(expected[j] / 128f / weight, within(1e-6f));
    }
  }

  /** Clients of {@code round} taken through the first two stages with {@code server}. */
  private static SecAggClient[] sharedKeys(SecAggRound round, SecAggServer server) {
    int clients = round.clients().size();
    KeyPair[] identities = SecAggLoopback.identities(clients, RANDOM);
    IdentityDirectory directory = SecAggLoopback.directory(round, identities);
    SecAggClient[] list = new SecAggClient[clients];
    for (int i = 0; i < clients; i++) {
      list[i] = new SecAggClient(round, i, identities[i], directory, RANDOM);
      server.acceptBundle(i, list[i].advertise());
    }
    server.closeAdvertise();
    for (int i = 0; i < clients; i++) {
      server.acceptShares(i, list[i].shareKeys(server.bundlesFor(i)));
    }
    server.closeShares();
    return list;
  }

  private static Set<Integer> all(int clients) {
    Set<Integer> out = new HashSet<>();
    IntStream.range(0, clients).forEach(out::add);
    return out;
  }

  @Test
  void theUnmaskedSumIsExactlyTheWeightedSumOfTheQuantisedInputs() {
    int clients = 12;
    int length = 300;
    SecAggRound round = round(clients, length, parameters(5, 3, 2));
    long[] weights = weights(clients);
    SecAggLoopback.Report report =
        SecAggLoopback.run(
            round,
            SecAggLoopback.identities(clients, RANDOM),
            i -> gridInput(i, length),
            weights,
            Dropouts.NONE,
            RANDOM);
    assertExactSum(report, length, weights, all(clients));
    assertThat(report.result().droppedAfterSharing()).isEmpty();
    assertThat(report.result().clippedValues()).isZero();
  }

  /**
   * Counts (a federated fairness summary's confusion counts, an importance summary's row count) sum
   * exactly when the grid's step is 1: each count is a level, so rounding leaves it alone.
   */
  @Test
  void wholeCountsSumExactlyOnAGridOfStepOne() {
    int clients = 5;
    int length = 40;
    long half = 1L << 20; // counts up to 2^20 per client; ±2^20 over 2^21 + 1 levels: step 1
    SecAggParameters counts =
        new SecAggParameters(
            "secagg+", 0, 0, half, 2 * half + 1, 48, "uniform", 1, 0, 0, 2, Algorithm.ML_KEM_768);
    SplittableRandom source = new SplittableRandom(4);
    float[][] inputs = new float[clients][length];
    long[] expected = new long[length];
    for (int i = 0; i < clients; i++) {
      for (int j = 0; j < length; j++) {
        inputs[i][j] = source.nextInt(100_000);
        expected[j] += (long) inputs[i][j];
      }
    }
    long[] ones = new long[clients];
    Arrays.fill(ones, 1);
    SecAggLoopback.Report report =
        SecAggLoopback.run(
            round(clients, length, counts),
            SecAggLoopback.identities(clients, RANDOM),
            i -> inputs[i],
            ones,
            Dropouts.NONE,
            RANDOM);
    assertThat(report.aborted()).isNull();
    assertThat(report.result().sum()).containsExactly(expected);
    assertThat(report.result().clippedValues()).isZero();
  }

  @Test
  void theCompleteGraphIsSecAgg() {
    int clients = 6;
    SecAggParameters p = parameters(0, 0, 2);
    p = new SecAggParameters("secagg", 0, 0, 1.0, 257, 32, "uniform", 1, 0, 0, 2, Algorithm.X_WING);
    SecAggRound round = round(clients, 50, p);
    assertThat(round.shares()).isEqualTo(clients);
    assertThat(round.threshold()).isEqualTo(4);
    long[] ones = new long[clients];
    Arrays.fill(ones, 1);
    SecAggLoopback.Report report =
        SecAggLoopback.run(
            round,
            SecAggLoopback.identities(clients, RANDOM),
            i -> gridInput(i, 50),
            ones,
            Dropouts.NONE,
            RANDOM);
    assertExactSum(report, 50, ones, all(clients));
  }

  @Test
  void theSumStaysExactWhenClientsDropAtEveryStage() {
    int clients = 20;
    int length = 64;
    // k = 7, t = 4: each neighbourhood tolerates 3 clients gone.
    SecAggRound round = round(clients, length, parameters(7, 4, 5));
    CommunicationGraph graph = round.graph();
    long[] weights = weights(clients);
    KeyPair[] identities = SecAggLoopback.identities(clients, RANDOM);
    // One client per stage, none two in one neighbourhood beyond what t tolerates.
    Dropouts dropouts = new Dropouts(Set.of(0), Set.of(5), Set.of(10), Set.of(15));
    for (int client = 0; client < clients; client++) {
      int gone = 0;
      for (int peer : graph.neighbourhood(client)) {
        gone += Set.of(0, 5, 10, 15).contains(peer) ? 1 : 0;
      }
      assertThat(gone).as("dropouts in the neighbourhood of %d", client).isLessThanOrEqualTo(3);
    }
    SecAggLoopback.Report report =
        SecAggLoopback.run(round, identities, i -> gridInput(i, length), weights, dropouts, RANDOM);
    Set<Integer> survivors = all(clients);
    survivors.removeAll(Set.of(0, 5, 10));
    // Client 15 dropped after sending its input: its input is in the sum.
    assertExactSum(report, length, weights, survivors);
    assertThat(report.result().droppedAfterSharing()).containsExactly(10);
  }

  @Test
  void aNeighbourhoodThatLosesMoreThanItToleratesAbortsTheRoundWithAReason() {
    int clients = 20;
    int length = 16;
    SecAggRound round = round(clients, length, parameters(7, 5, 5));
    int[] neighbourhood = round.graph().neighbourhood(0);
    // Three of client 0's neighbours leave after sending their inputs: 4 of 7 confirm, t = 5.
    Set<Integer> leaving = new HashSet<>();
    for (int peer : neighbourhood) {
      if (peer != 0 && leaving.size() < 3) {
        leaving.add(peer);
      }
    }
    SecAggLoopback.Report report =
        SecAggLoopback.run(
            round,
            SecAggLoopback.identities(clients, RANDOM),
            i -> gridInput(i, length),
            weights(clients),
            new Dropouts(Set.of(), Set.of(), Set.of(), leaving),
            RANDOM);
    assertThat(report.result()).isNull();
    assertThat(report.aborted()).contains("unmask").contains("confirmed the survivors");
  }

  @Test
  void tooFewClientsAtAStageAbortsCleanly() {
    int clients = 6;
    SecAggRound round = round(clients, 8, parameters(5, 3, 5));
    SecAggLoopback.Report report =
        SecAggLoopback.run(
            round,
            SecAggLoopback.identities(clients, RANDOM),
            i -> gridInput(i, 8),
            weights(clients),
            new Dropouts(Set.of(), Set.of(1, 2), Set.of(), Set.of()),
            RANDOM);
    assertThat(report.aborted())
        .isEqualTo("share: 4 clients sent shares; the round needs at least 5");
  }

  /**
   * A masked input alone is uniform in the ring: the low bytes of a client's masked zero vector
   * pass a chi-square test of uniformity, and so do its high bytes.
   */
  @Test
  void maskedInputsAreIndistinguishableFromUniform() {
    int clients = 5;
    int length = 100_000;
    SecAggRound round = round(clients, length, parameters(5, 3, 2));
    SecAggServer server = new SecAggServer(round);
    SecAggClient[] list = sharedKeys(round, server);
    MaskedInput masked = list[0].maskInput(server.boxesFor(0), new float[length], 1);
    for (int shift : new int[] {0, 24}) {
      long[] counts = new long[256];
      for (int j = 0; j < length; j++) {
        counts[(int) ((masked.values()[j] >>> shift) & 0xFF)]++;
      }
      double expected = length / 256.0;
      double chi2 = 0;
      for (long c : counts) {
        chi2 += (c - expected) * (c - expected) / expected;
      }
      // 255 degrees of freedom: P(chi2 > 330.5) = 0.001 for uniform bytes; a zero vector masked
      // by nothing would give a chi2 of about 25 million.
      assertThat(chi2).isLessThan(330.5);
    }
  }

  @Test
  void aTamperedOrSubstitutedKeyBundleIsRejected() {
    int clients = 4;
    SecAggRound round = round(clients, 8, parameters(3, 2, 2));
    KeyPair[] identities = SecAggLoopback.identities(clients, RANDOM);
    IdentityDirectory directory = SecAggLoopback.directory(round, identities);
    SecAggClient[] list = new SecAggClient[clients];
    List<KeyBundle> bundles = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      list[i] = new SecAggClient(round, i, identities[i], directory, RANDOM);
      bundles.add(list[i].advertise());
    }
    int victim = 0;
    int[] neighbourhood = round.graph().neighbourhood(victim);
    int peer = neighbourhood[0] == victim ? neighbourhood[1] : neighbourhood[0];
    KeyBundle honest = bundles.get(peer);
    // The coordinator swaps the peer's channel key for its own: the signature no longer holds.
    byte[] swapped = honest.channelKey().clone();
    swapped[7] ^= 1;
    KeyBundle tampered =
        new KeyBundle(peer, honest.identityKey(), swapped, honest.maskKey(), honest.signature());
    assertThatThrownBy(() -> list[victim].shareKeys(List.of(tampered)))
        .isInstanceOf(SecAggAbortedException.class)
        .hasMessageContaining("changed on the way");
    // It re-signs the bundle with an identity of its own: the directory knows better.
    KeyPair coordinator = SecAggClient.newIdentity(RANDOM);
    SecAggClient impostor = new SecAggClient(round, peer, coordinator, (id, key) -> true, RANDOM);
    KeyBundle forged = impostor.advertise();
    SecAggClient fresh = new SecAggClient(round, victim, identities[victim], directory, RANDOM);
    fresh.advertise();
    assertThatThrownBy(() -> fresh.shareKeys(List.of(forged)))
        .isInstanceOf(SecAggAbortedException.class)
        .hasMessageContaining("not its identity key");
    // The coordinator itself refuses a bundle whose signature fails.
    SecAggServer server = new SecAggServer(round);
    assertThatThrownBy(() -> server.acceptBundle(peer, tampered))
        .hasMessageContaining("changed on the way");
  }

  @Test
  void theCoordinatorRefusesReplaysStrangersAndMessagesOfTheWrongShape() {
    int clients = 4;
    SecAggRound round = round(clients, 8, parameters(3, 2, 2));
    KeyPair[] identities = SecAggLoopback.identities(clients, RANDOM);
    IdentityDirectory directory = SecAggLoopback.directory(round, identities);
    SecAggServer server = new SecAggServer(round);
    SecAggClient[] list = new SecAggClient[clients];
    KeyBundle first = null;
    for (int i = 0; i < clients; i++) {
      list[i] = new SecAggClient(round, i, identities[i], directory, RANDOM);
      KeyBundle bundle = list[i].advertise();
      first = first == null ? bundle : first;
      server.acceptBundle(i, bundle);
    }
    KeyBundle replay = first;
    assertThatThrownBy(() -> server.acceptBundle(0, replay)).hasMessageContaining("already sent");
    assertThatThrownBy(() -> server.acceptBundle(9, replay))
        .hasMessageContaining("not in the round");
    assertThatThrownBy(() -> server.acceptShares(0, new SharePackage(0, List.of())))
        .hasMessageContaining("stage advertise, not share");
    server.closeAdvertise();
    SharePackage zero = list[0].shareKeys(server.bundlesFor(0));
    assertThatThrownBy(() -> server.acceptShares(1, zero)).hasMessageContaining("name client 0");
    assertThatThrownBy(
            () -> server.acceptShares(0, new SharePackage(0, zero.boxes().subList(0, 1))))
        .hasMessageContaining("are expected");
    server.acceptShares(0, zero);
    for (int i = 1; i < clients; i++) {
      server.acceptShares(i, list[i].shareKeys(server.bundlesFor(i)));
    }
    server.closeShares();
    assertThatThrownBy(
            () -> server.acceptMasked(0, new MaskedInput(0, new long[3], 0, false, false)))
        .hasMessageContaining("9 words, not 3");
    assertThatThrownBy(() -> MaskedInput.decode(new byte[] {3, 0, 0}, 9, 32))
        .isInstanceOf(SecAggMessages.MalformedMessageException.class);
    assertThatThrownBy(() -> SharePackage.decode(new byte[] {2, 0, 0, 0, 0, 0x7f, 0, 0, 0}))
        .isInstanceOf(SecAggMessages.MalformedMessageException.class);
    // The round's own bytes survive a round trip.
    byte[] encoded = zero.encode();
    assertThat(SharePackage.decode(encoded).boxes()).hasSameSizeAs(zero.boxes());
  }

  /**
   * The consistency check: a client reveals shares only for the survivors it confirmed, and only
   * when t of its neighbours signed that same list; a coordinator that tells clients different
   * survivors (to gather both secrets of one) gets nothing.
   */
  @Test
  void aClientRevealsSharesOnlyForSurvivorsItsNeighboursConfirmed() {
    int clients = 5;
    SecAggRound round = round(clients, 8, parameters(5, 3, 2));
    SecAggServer server = new SecAggServer(round);
    SecAggClient[] list = sharedKeys(round, server);
    for (int i = 0; i < clients; i++) {
      server.acceptMasked(i, list[i].maskInput(server.boxesFor(i), new float[8], 5));
    }
    server.closeMasked();
    int[] everyone = server.survivorsFor(0);
    assertThat(everyone).containsExactly(0, 1, 2, 3, 4);
    var mine = list[0].confirm(everyone);
    // Client 3 is told it alone is missing, to be "dropped" for client 0.
    int[] lie = {0, 1, 2, 4};
    UnmaskRequest other = new UnmaskRequest(0, lie, List.of(mine));
    assertThatThrownBy(() -> list[0].unmask(other))
        .isInstanceOf(SecAggAbortedException.class)
        .hasMessageContaining("differ from those this client confirmed");
    // The true list, but with only this client's own confirmation: fewer than t.
    var confirmation1 = list[1].confirm(everyone);
    assertThatThrownBy(() -> list[1].unmask(new UnmaskRequest(1, everyone, List.of(confirmation1))))
        .isInstanceOf(SecAggAbortedException.class)
        .hasMessageContaining("1 neighbours confirmed the survivors");
    // A forged confirmation does not count.
    var confirmation2 = list[2].confirm(everyone);
    var forged = new SecAggMessages.Confirmation(3, confirmation2.signature());
    assertThatThrownBy(
            () -> list[2].unmask(new UnmaskRequest(2, everyone, List.of(confirmation2, forged))))
        .hasMessageContaining("1 neighbours confirmed");
    // The coordinator refuses a confirmation that does not verify, too.
    assertThatThrownBy(() -> server.acceptConfirmation(3, forged))
        .hasMessageContaining("does not verify");
  }

  /**
   * A coordinator that announces fewer survivors than the round's {@code min-survivors} (to unmask
   * a sum of few inputs, or one with too little of the distributed noise) is refused by the
   * clients, not only by an honest coordinator's own check.
   */
  @Test
  void clientsRefuseToConfirmASumOfFewerInputsThanTheRoundPromised() {
    int clients = 5;
    SecAggRound round = round(clients, 8, parameters(5, 3, 4));
    SecAggServer server = new SecAggServer(round);
    SecAggClient[] list = sharedKeys(round, server);
    for (int i = 0; i < clients; i++) {
      server.acceptMasked(i, list[i].maskInput(server.boxesFor(i), new float[8], 5));
    }
    assertThatThrownBy(() -> list[0].confirm(new int[] {0, 1, 2}))
        .isInstanceOf(SecAggAbortedException.class)
        .hasMessageContaining("3 survivors; the round sums no fewer than 4");
    assertThat(list[1].confirm(new int[] {0, 1, 2, 3}).client()).isEqualTo(1);
  }

  /**
   * A sealed box says nothing of its sender, so every box is signed: one the coordinator made
   * "from" a neighbour (to plant a pair seed it knows) is refused.
   */
  @Test
  void aBoxTheCoordinatorForgedIsRefused() {
    int clients = 4;
    SecAggRound round = round(clients, 8, parameters(3, 2, 2));
    SecAggServer server = new SecAggServer(round);
    SecAggClient[] list = sharedKeys(round, server);
    List<SecAggMessages.SealedShares> boxes = server.boxesFor(3);
    SecAggMessages.SealedShares honest = boxes.getFirst();
    SecAggMessages.SealedShares forged =
        new SecAggMessages.SealedShares(
            honest.from(),
            honest.to(),
            honest.shares(),
            honest.pairSeed().length == 0 ? new byte[0] : honest.pairSeed().clone(),
            new byte[honest.signature().length]);
    List<SecAggMessages.SealedShares> delivered = new java.util.ArrayList<>(boxes);
    delivered.set(0, forged);
    assertThatThrownBy(() -> list[3].maskInput(delivered, new float[8], 1))
        .isInstanceOf(SecAggAbortedException.class)
        .hasMessageContaining("forged or changed");
  }

  /** Clients given different views of the round (here, of its parameters) refuse each other. */
  @Test
  void clientsWithDifferentViewsOfTheRoundRefuseEachOthersBundles() {
    SecAggRound round = round(4, 8, parameters(3, 2, 2));
    SecAggRound other = round(4, 8, parameters(3, 2, 3));
    KeyPair[] identities = SecAggLoopback.identities(4, RANDOM);
    IdentityDirectory directory = SecAggLoopback.directory(round, identities);
    SecAggClient zero = new SecAggClient(round, 0, identities[0], directory, RANDOM);
    zero.advertise();
    int[] hood = round.graph().neighbourhood(0);
    int peer = hood[0] == 0 ? hood[1] : hood[0];
    KeyBundle theirs =
        new SecAggClient(other, peer, identities[peer], directory, RANDOM).advertise();
    assertThatThrownBy(() -> zero.shareKeys(List.of(theirs)))
        .hasMessageContaining("changed on the way");
  }

  @Test
  void aClientThatMasksWronglyMakesTheRoundAbortNotReturnAWrongSum() {
    int clients = 6;
    int length = 32;
    SecAggRound round = round(clients, length, parameters(5, 3, 2));
    SecAggServer server = new SecAggServer(round);
    SecAggClient[] list = sharedKeys(round, server);
    for (int i = 0; i < clients; i++) {
      MaskedInput input = list[i].maskInput(server.boxesFor(i), gridInput(i, length), 3);
      if (i == 2) {
        // A malicious client sends random words instead of its masked input.
        long[] garbage = new long[input.values().length];
        SplittableRandom noise = new SplittableRandom(9);
        Arrays.setAll(garbage, j -> noise.nextLong() & 0xFFFFFFFFL);
        input = new MaskedInput(2, garbage, 0, false, false);
      }
      server.acceptMasked(i, input);
    }
    server.closeMasked();
    for (int i = 0; i < clients; i++) {
      server.acceptConfirmation(i, list[i].confirm(server.survivorsFor(i)));
    }
    server.closeConfirm();
    for (int i = 0; i < clients; i++) {
      server.acceptUnmask(i, list[i].unmask(server.requestFor(i)));
    }
    assertThatThrownBy(server::finish)
        .isInstanceOf(SecAggAbortedException.class)
        .hasMessageContaining("an input or a share was wrong");
    assertThat(server.stage()).isEqualTo(SecAggServer.Stage.ABORTED);
  }

  @Test
  void distributedNoiseSumsToTheCentralNoise() {
    int clients = 10;
    int length = 20_000;
    SecAggParameters p =
        new SecAggParameters(
            "secagg+", 5, 3, 1.0, 1025, 32, "uniform", 1, 1.0, 1.0, 10, Algorithm.ML_KEM_768);
    SecAggRound round = round(clients, length, p);
    long[] ones = new long[clients];
    Arrays.fill(ones, 1);
    SecAggLoopback.Report report =
        SecAggLoopback.run(
            round,
            SecAggLoopback.identities(clients, RANDOM),
            i -> new float[length],
            ones,
            Dropouts.NONE,
            RANDOM);
    assertThat(report.aborted()).isNull();
    // Inputs are zero: the sum is the noise alone, with variance z²Δ² (in steps²) over the
    // min-survivors = 10 clients' shares.
    double sigma = p.noiseMultiplier() * p.sensitivitySteps(length);
    double variance = 0;
    for (long v : report.result().sum()) {
      variance += (double) v * v;
    }
    variance /= length;
    assertThat(Math.sqrt(variance)).isCloseTo(sigma, within(sigma * 0.03));
  }

  @Test
  void parametersThatCouldLeakOrWrapTheRingAreRefused() {
    assertThatThrownBy(() -> round(10, 8, parameters(5, 2, 2)))
        .hasMessageContaining("more than half");
    assertThatThrownBy(() -> round(10, 8, parameters(5, 6, 2)))
        .hasMessageContaining("above the 5 shares");
    SecAggParameters wide =
        new SecAggParameters(
            "secagg+",
            0,
            0,
            1.0,
            (1L << 20) + 1,
            32,
            "examples",
            10_000,
            0,
            0,
            2,
            Algorithm.ML_KEM_768);
    assertThatThrownBy(() -> round(100, 8, wide)).hasMessageContaining("more than a 32-bit ring");
    assertThatThrownBy(() -> SecAggParameters.fromMap("secagg+", java.util.Map.of("shares", "4")))
        .hasMessageContaining("odd");
    assertThatThrownBy(() -> SecAggParameters.fromMap("secagg+", java.util.Map.of("nope", "4")))
        .hasMessageContaining("no parameter 'nope'");
    assertThatThrownBy(
            () -> SecAggParameters.fromMap("secagg+", java.util.Map.of("noise-multiplier", "1")))
        .hasMessageContaining("clip-norm");
    SecAggParameters back =
        SecAggParameters.fromMap("secagg+", SecAggParameters.defaults().toMap());
    assertThat(back).isEqualTo(SecAggParameters.defaults());
  }

  @Test
  void theGraphIsRegularSymmetricAndOfLogarithmicDegreeByDefault() {
    int clients = 1000;
    SecAggParameters p = SecAggParameters.defaults();
    int k = p.sharesFor(clients);
    assertThat(k).isEqualTo(31);
    CommunicationGraph graph = CommunicationGraph.of(clients, k, 7);
    for (int i = 0; i < clients; i++) {
      int[] hood = graph.neighbourhood(i);
      assertThat(hood).hasSize(k).contains(i);
      for (int j : hood) {
        assertThat(graph.adjacent(j, i)).isTrue();
      }
    }
    assertThat(CommunicationGraph.of(clients, k, 7).neighbourhood(5))
        .isEqualTo(graph.neighbourhood(5));
    assertThat(CommunicationGraph.of(clients, k, 8).neighbourhood(5))
        .isNotEqualTo(graph.neighbourhood(5));
  }
}
