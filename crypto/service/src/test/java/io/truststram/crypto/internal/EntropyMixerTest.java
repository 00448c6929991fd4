package io.truststram.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DrbgParameters;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntropyMixerTest {

  @TempDir Path dir;

  private static SecureRandom drbg() throws Exception {
    return SecureRandom.getInstance(
        "DRBG", DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
  }

  private static double count(SimpleMeterRegistry registry, String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void aDeviceFilesBytesAreMixedInAtEveryReseed() throws Exception {
    Path device = dir.resolve("hwrng");
    Files.write(device, new byte[1000]);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EntropyMixer mixer =
        new EntropyMixer(drbg(), EntropySource.parse("file:" + device), true, registry);
    mixer.start();
    assertThat(mixer.reseed()).isTrue();
    assertThat(count(registry, "truststram.crypto.entropy.mixed")).isEqualTo(2);
    assertThat(count(registry, "truststram.crypto.entropy.failures")).isZero();
  }

  @Test
  void aFailingSourceIsCountedAndRefusedAtStartOnlyWhenRequired() throws Exception {
    Path shortDevice = dir.resolve("short");
    Files.write(shortDevice, new byte[10]);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SecureRandom random = drbg();
    EntropyMixer optional =
        new EntropyMixer(random, EntropySource.parse("file:" + shortDevice), false, registry);
    optional.start();
    assertThat(optional.reseed()).isFalse();
    assertThat(count(registry, "truststram.crypto.entropy.failures")).isEqualTo(2);
    // The DRBG still works, reseeded from the operating system.
    assertThat(random.generateSeed(16)).hasSize(16);

    EntropyMixer required =
        new EntropyMixer(
            drbg(),
            EntropySource.parse("file:" + dir.resolve("missing")),
            true,
            new SimpleMeterRegistry());
    assertThatThrownBy(required::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("required entropy source file:");
  }

  @Test
  void anEndpointIsAskedForTheBytesItGivesAndItsQueryIsNeverShown() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> asked = new ArrayList<>();
    server.createContext(
        "/random",
        exchange -> {
          asked.add(exchange.getRequestURI().getQuery());
          byte[] body = new byte[exchange.getRequestURI().getQuery().contains("n=48") ? 48 : 3];
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/random";
      EntropySource source = EntropySource.parse(base + "?n={bytes}&key=secret");
      assertThat(source.describe()).isEqualTo(base).doesNotContain("secret");
      assertThat(source.read(48)).hasSize(48);
      assertThat(asked).containsExactly("n=48&key=secret");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      EntropyMixer short_ =
          new EntropyMixer(drbg(), EntropySource.parse(base + "?n=3"), false, registry);
      assertThat(short_.reseed()).isFalse();
      assertThat(count(registry, "truststram.crypto.entropy.failures")).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnknownSourceIsRefused() {
    assertThat(EntropySource.parse("os")).isInstanceOf(EntropySource.None.class);
    assertThatThrownBy(() -> EntropySource.parse("quantum"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("os, file:PATH or an http(s) URL");
  }
}
