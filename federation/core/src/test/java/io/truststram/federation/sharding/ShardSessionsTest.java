package io.truststram.federation.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.federation.sharding.ShardSessionException.Reason;
import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.Strategies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardSessionsTest {

  private final MutableClock clock = new MutableClock();
  private final ShardSessions sessions =
      new ShardSessions(Strategies.standard(), 2, Duration.ofMinutes(30), clock);

  @Test
  void foldsOutOfSequenceAreRefusedAndLeaveTheSessionAsItWas() {
    UUID id = begin("f1", "fedavg", Map.of());
    sessions.fold(fold(id, 1, 1f));
    assertThatThrownBy(() -> sessions.fold(fold(id, 1, 5f)))
        .isInstanceOfSatisfying(
            ShardSessionException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.OUT_OF_SEQUENCE));
    assertThatThrownBy(() -> sessions.fold(fold(id, 3, 5f)))
        .isInstanceOfSatisfying(
            ShardSessionException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.OUT_OF_SEQUENCE));
    sessions.fold(fold(id, 2, 3f));
    ShardMessages.Result result = sessions.finish(id);
    assertThat(result.accepted()).isEqualTo(2);
    assertThat(result.parameters()).containsExactly(2f, 2f);
    assertThatThrownBy(() -> sessions.finish(id))
        .isInstanceOfSatisfying(
            ShardSessionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }

  @Test
  void aNewSessionOfAGroupReplacesItsAbandonedOne() {
    UUID first = begin("f1", "fedavg", Map.of());
    UUID second = begin("f1", "fedavg", Map.of());
    assertThat(sessions.size()).isEqualTo(1);
    assertThatThrownBy(() -> sessions.fold(fold(first, 1, 1f)))
        .isInstanceOfSatisfying(
            ShardSessionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    sessions.fold(fold(second, 1, 1f));
  }

  @Test
  void aFullShardRefusesNewGroupsAndIdleSessionsExpire() {
    begin("f1", "fedavg", Map.of());
    begin("f2", "fedavg", Map.of());
    assertThatThrownBy(() -> begin("f3", "fedavg", Map.of()))
        .isInstanceOfSatisfying(
            ShardSessionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BUSY));
    clock.now = clock.now.plus(Duration.ofMinutes(31));
    assertThat(sessions.size()).isZero();
    begin("f3", "fedavg", Map.of());
  }

  @Test
  void unknownUnseparableOrMisconfiguredStrategiesAreInvalid() {
    for (var strategy :
        List.of(
            Map.entry("nope", Map.<String, String>of()),
            Map.entry("fedbuff", Map.<String, String>of()),
            Map.entry("fedavgm", Map.of("server-momentum", "banana")))) {
      assertThatThrownBy(() -> begin("f", strategy.getKey(), strategy.getValue()))
          .as(strategy.getKey())
          .isInstanceOfSatisfying(
              ShardSessionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID));
    }
    assertThat(sessions.size()).isZero();
  }

  @Test
  void messagesSurviveTheirEncodingAndMalformedOnesAreRefused() throws IOException {
    var begin =
        new ShardMessages.Begin(
            UUID.randomUUID(),
            "f",
            4,
            "fedadam",
            Map.of("server-learning-rate", "0.1"),
            new ParameterRange(10, 13),
            20,
            new float[] {1, 2, 3},
            Map.of("m", new double[] {0.5, 0, -1}, "v", new double[] {1, 1, 1}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardMessages.write(begin, out);
    var read = ShardMessages.readBegin(new ByteArrayInputStream(out.toByteArray()), 100);
    assertThat(read.session()).isEqualTo(begin.session());
    assertThat(read.round()).isEqualTo(4);
    assertThat(read.parameters()).isEqualTo(begin.parameters());
    assertThat(read.range()).isEqualTo(new ParameterRange(10, 13));
    assertThat(read.global()).containsExactly(1, 2, 3);
    assertThat(read.state().get("m")).containsExactly(0.5, 0, -1);

    assertThatThrownBy(
            () ->
                ShardMessages.readBegin(
                    new ByteArrayInputStream("garbage!".getBytes(StandardCharsets.UTF_8)), 100))
        .isInstanceOf(InvalidShardMessageException.class);
    // A fold is not a begin.
    ByteArrayOutputStream foldBytes = new ByteArrayOutputStream();
    ShardMessages.write(fold(UUID.randomUUID(), 1, 1f), foldBytes);
    assertThatThrownBy(
            () -> ShardMessages.readBegin(new ByteArrayInputStream(foldBytes.toByteArray()), 100))
        .isInstanceOf(InvalidShardMessageException.class);
    // Vectors larger than the shard takes.
    assertThatThrownBy(
            () -> ShardMessages.readBegin(new ByteArrayInputStream(out.toByteArray()), 1))
        .isInstanceOf(InvalidShardMessageException.class);
  }

  private UUID begin(String group, String strategy, Map<String, String> parameters) {
    UUID id = UUID.randomUUID();
    sessions.begin(
        new ShardMessages.Begin(
            id,
            group,
            1,
            strategy,
            parameters,
            new ParameterRange(0, 2),
            2,
            new float[2],
            Map.of()));
    return id;
  }

  private static ShardMessages.Fold fold(UUID session, long sequence, float value) {
    return new ShardMessages.Fold(
        session, sequence, ClientUpdate.of("c", new float[] {value, value}, 1, 1));
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-11-26T12:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
