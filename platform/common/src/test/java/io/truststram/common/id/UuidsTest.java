package io.truststram.common.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidsTest {

  @Test
  void setsVersionSevenAndTheRfcVariant() {
    UUID id = Uuids.v7();
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
  }

  @Test
  void embedsTheUnixMillisecondsOfTheClock() {
    Instant at = Instant.parse("2026-11-26T08:00:00.123Z");
    UUID id = new Uuids(Clock.fixed(at, ZoneOffset.UTC)).next();
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(at.toEpochMilli());
  }

  @Test
  void idsFromOneClockMillisecondAreStrictlyIncreasingAsTextAndAsBytes() {
    Uuids uuids = new Uuids(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(uuids.next());
    }
    for (int i = 1; i < ids.size(); i++) {
      UUID previous = ids.get(i - 1);
      UUID current = ids.get(i);
      assertThat(current.toString()).isGreaterThan(previous.toString());
      assertThat(Long.compareUnsigned(msb(current), msb(previous))).isPositive();
    }
    assertThat(new HashSet<>(ids)).hasSize(ids.size());
  }

  @Test
  void aClockThatStepsBackDoesNotBreakTheOrder() {
    long[] millis = {5_000, 5_000, 4_000, 6_000};
    int[] call = {0};
    Clock clock =
        new Clock() {
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
            return Instant.ofEpochMilli(millis[call[0]++]);
          }

          @Override
          public long millis() {
            return instant().toEpochMilli();
          }
        };
    Uuids uuids = new Uuids(clock);
    UUID a = uuids.next();
    UUID b = uuids.next();
    UUID c = uuids.next();
    UUID d = uuids.next();
    assertThat(List.of(a, b, c, d).stream().map(UUID::toString).toList()).isSorted();
  }

  private static long msb(UUID id) {
    return id.getMostSignificantBits();
  }
}
