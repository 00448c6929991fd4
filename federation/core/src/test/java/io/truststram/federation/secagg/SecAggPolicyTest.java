package io.truststram.federation.secagg;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.crypto.homomorphic.Paillier;
import io.truststram.crypto.primitive.Algorithm;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SecAggPolicyTest {

  private static SecAggRound round(int clients, int threshold, double noise, int minSurvivors) {
    SecAggParameters parameters =
        new SecAggParameters(
            "secagg+",
            0,
            threshold,
            1.0,
            257,
            32,
            noise > 0 ? "uniform" : "examples",
            1000,
            noise > 0 ? 1.0 : 0,
            noise,
            minSurvivors,
            Algorithm.ML_KEM_768);
    List<String> ids = IntStream.range(0, clients).mapToObj(i -> "node-" + i).toList();
    return new SecAggRound("fed", 1, 1, ids, 7L, 16, parameters);
  }

  private static final SecAggPolicy STRICT =
      new SecAggPolicy(Set.of("secagg+"), 20, 10, 6, 0.5, Set.of());

  @Test
  void aRoundAboveEveryFloorIsTaken() {
    assertThatCode(() -> STRICT.check(round(100, 0, 0.8, 10))).doesNotThrowAnyException();
    assertThatCode(() -> SecAggPolicy.DEFAULT.check(round(3, 0, 0, 2))).doesNotThrowAnyException();
  }

  /** Each floor a coordinator might lower is caught, with the reason. */
  @Test
  void aRoundBelowAFloorIsRefusedWithTheReason() {
    assertThatThrownBy(() -> STRICT.check(round(10, 0, 0.8, 10)))
        .isInstanceOf(SecAggPolicy.Refused.class)
        .hasMessage("the round has 10 clients; this node takes part among 20");
    assertThatThrownBy(() -> STRICT.check(round(100, 0, 0.8, 3)))
        .hasMessage("the round would sum as few as 3 inputs; this node requires at least 10");
    // k for 100 clients is 21; a threshold of 11 is a bare majority, allowed by the protocol.
    assertThatCode(() -> STRICT.check(round(100, 11, 0.8, 10))).doesNotThrowAnyException();
    SecAggPolicy highThreshold = new SecAggPolicy(Set.of("secagg+"), 2, 2, 15, 0, Set.of());
    assertThatThrownBy(() -> highThreshold.check(round(100, 11, 0, 2)))
        .hasMessage("the round rebuilds a secret from 11 shares; this node requires at least 15");
    assertThatThrownBy(() -> STRICT.check(round(100, 0, 0.1, 10)))
        .hasMessage("the round's noise multiplier is 0.1; this node requires at least 0.5");
    SecAggRound complete =
        new SecAggRound(
            "fed",
            1,
            1,
            IntStream.range(0, 30).mapToObj(i -> "n" + i).toList(),
            7L,
            16,
            new SecAggParameters(
                "secagg", 0, 0, 1.0, 257, 32, "uniform", 1000, 1.0, 0.8, 10, Algorithm.ML_KEM_768));
    assertThatThrownBy(() -> STRICT.check(complete))
        .hasMessage("the round aggregates with secagg; this node takes part in [secagg+]");
  }

  /**
   * Under Paillier the coordinator hands out the public key: a node encrypts only to a key it
   * trusts, given as a fingerprint or pinned the first time it saw one.
   */
  @Test
  void aPaillierKeyOtherThanTheTrustedOrPinnedOneIsRefused() {
    Paillier.PublicKey key =
        new Paillier.PublicKey(BigInteger.ONE.shiftLeft(2047).add(BigInteger.valueOf(1235)));
    Paillier.PublicKey other =
        new Paillier.PublicKey(BigInteger.ONE.shiftLeft(2047).add(BigInteger.valueOf(4321)));
    PaillierSettings settings = new PaillierSettings(key, new Quantizer(1.0, 257), 100, 2);
    PaillierSettings swapped = new PaillierSettings(other, new Quantizer(1.0, 257), 100, 2);
    String fingerprint = SecAggPolicy.fingerprint(key);
    // Trust on first use: any key at first, then only that one.
    assertThatCode(() -> SecAggPolicy.DEFAULT.check(settings, 5, null)).doesNotThrowAnyException();
    assertThatCode(() -> SecAggPolicy.DEFAULT.check(settings, 5, fingerprint))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> SecAggPolicy.DEFAULT.check(swapped, 5, fingerprint))
        .isInstanceOf(SecAggPolicy.Refused.class)
        .hasMessageContaining("is not one this node encrypts to (it accepted " + fingerprint);
    // Given fingerprints: only those, from the first round on.
    SecAggPolicy pinned =
        new SecAggPolicy(Set.of("paillier"), 2, 2, 2, 0, Set.of(fingerprint.toUpperCase()));
    assertThatCode(() -> pinned.check(settings, 5, null)).doesNotThrowAnyException();
    assertThatThrownBy(() -> pinned.check(swapped, 5, null))
        .hasMessageContaining("not one this node");
    assertThatThrownBy(() -> STRICT.check(settings, 50, null))
        .hasMessage("the round aggregates with paillier; this node takes part in [secagg+]");
    assertThatThrownBy(() -> pinned.check(settings, 1, null))
        .hasMessageContaining("the round has 1 clients");
  }

  @Test
  void aPolicyThatMakesNoSenseIsAnError() {
    assertThatThrownBy(() -> new SecAggPolicy(Set.of("ckks"), 2, 2, 2, 0, Set.of()))
        .hasMessageContaining("not 'ckks'");
    assertThatThrownBy(() -> new SecAggPolicy(Set.of("secagg+"), 1, 2, 2, 0, Set.of()))
        .hasMessageContaining("2 or more");
    assertThatThrownBy(() -> new SecAggPolicy(Set.of("secagg+"), 2, 2, 2, -1, Set.of()))
        .hasMessageContaining("0 or more");
    assertThatThrownBy(() -> new SecAggPolicy(Set.of("paillier"), 2, 2, 2, 0, Set.of("abc")))
        .hasMessageContaining("64 hex digits");
  }
}
