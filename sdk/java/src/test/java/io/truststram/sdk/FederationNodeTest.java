package io.truststram.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FederationNodeTest {

  @Test
  void clientMetricNamesBecomeNamesTheProtocolTakes() {
    assertThat(FederationNode.metricName("loss")).isEqualTo("loss");
    assertThat(FederationNode.metricName("Top-1 Accuracy")).isEqualTo("top_1_accuracy");
    assertThat(FederationNode.metricName("1st")).isEqualTo("st");
    assertThat(FederationNode.metricName("_9")).isNull();
    assertThat(FederationNode.metricName("x".repeat(40))).hasSize(32);
  }

  @Test
  void backOffGrowsWithJitterUpToItsCapAndHonoursRetryAfter() {
    FederationNode.Retry retry =
        new FederationNode.Retry(10, Duration.ofMillis(100), Duration.ofSeconds(2));
    for (int attempt = 0; attempt < 10; attempt++) {
      long cap = Math.min(2000, 100L << attempt);
      assertThat(retry.wait(attempt, null).toMillis()).isBetween(cap / 2, cap);
    }
    assertThat(retry.wait(0, Duration.ofSeconds(1)).toMillis()).isEqualTo(1000);
    assertThat(retry.wait(0, Duration.ofMinutes(5)).toMillis()).isEqualTo(2000);
  }

  @Test
  void refusesAPollWaitTheServerWouldNot() {
    var builder = FederationNode.builder(java.net.URI.create("http://localhost"), "f", "n");
    assertThatThrownBy(() -> builder.pollWait(Duration.ofSeconds(61)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
