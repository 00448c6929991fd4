package io.truststram.identity.internal.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.internal.IdentityProperties;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;

class PasswordLoginProviderTest {

  @Test
  void locksForTheInitialPeriodThenDoublesUpToTheCap() {
    var lockout = new IdentityProperties.Lockout(5, Duration.ofSeconds(30), Duration.ofMinutes(15));
    @SuppressWarnings("deprecation")
    var provider =
        new PasswordLoginProvider(
            new UserStore(JdbcClient.create(new SimpleDriverDataSource())),
            NoOpPasswordEncoder.getInstance(),
            lockout,
            Clock.systemUTC());
    assertThat(provider.lockFor(5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(provider.lockFor(6)).isEqualTo(Duration.ofSeconds(60));
    assertThat(provider.lockFor(7)).isEqualTo(Duration.ofSeconds(120));
    assertThat(provider.lockFor(10)).isEqualTo(Duration.ofMinutes(15));
    assertThat(provider.lockFor(1_000)).isEqualTo(Duration.ofMinutes(15));
  }
}
