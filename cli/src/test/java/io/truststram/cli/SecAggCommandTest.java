package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.crypto.homomorphic.Paillier;
import io.truststram.federation.secagg.PaillierSettings;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code truststram secagg bench} and {@code truststram fl paillier}, locally. */
class SecAggCommandTest extends CommandLineTestSupport {

  @TempDir Path directory;

  @Test
  void benchRunsAWholeRoundWithDropoutsAndReportsItsCosts() {
    JsonNode round =
        json(
            "secagg",
            "bench",
            "--clients",
            "12",
            "--parameters",
            "500",
            "--dropout",
            "0.2",
            "--json");
    assertThat(round.path("aborted").isNull()).isTrue();
    assertThat(round.path("survivors").asInt()).isEqualTo(10);
    assertThat(round.path("recoveredDropouts").asInt()).isEqualTo(2);
    assertThat(round.path("clientBytesSentMean").asLong()).isGreaterThan(4 * 500);
    assertThat(round.path("expansion").asDouble()).isGreaterThan(1);
    JsonNode paillier =
        json(
            "secagg",
            "bench",
            "--clients",
            "3",
            "--parameters",
            "100",
            "--protocol",
            "paillier",
            "--paillier-bits",
            "1024",
            "--json");
    assertThat(paillier.path("ciphertextsPerClient").asInt()).isPositive();
    assertThat(run("secagg", "bench", "--clients", "1", "--parameters", "10")).isNotZero();
    assertThat(err.toString()).contains("--clients must be 2 or more");
  }

  @Test
  void aKeyFileFromKeygenDecryptsWhatItsPublicKeyEncrypts() throws Exception {
    Path file = directory.resolve("key.json");
    assertThat(run("fl", "paillier", "keygen", "--out", file.toString(), "--bits", "2048"))
        .as(err.toString())
        .isZero();
    Paillier.PublicKey published = PaillierSettings.decodeKey(out.toString().strip());
    Paillier.PrivateKey key = FlPaillierCommand.Hold.read(file);
    BigInteger secret = BigInteger.valueOf(424242);
    assertThat(key.decrypt(published.encrypt(secret, new SecureRandom()))).isEqualTo(secret);
    assertThat(Files.getPosixFilePermissions(file).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    // It never overwrites a key, and refuses short ones.
    assertThat(run("fl", "paillier", "keygen", "--out", file.toString())).isNotZero();
    assertThat(err.toString()).contains("does not overwrite keys");
    assertThat(
            run(
                "fl",
                "paillier",
                "keygen",
                "--out",
                directory.resolve("k2").toString(),
                "--bits",
                "1024"))
        .isNotZero();
    assertThat(err.toString()).contains("at least 2048");
  }
}
