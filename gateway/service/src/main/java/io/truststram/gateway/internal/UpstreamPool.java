package io.truststram.gateway.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances of one remote route and what the gateway knows of their health: each is checked
 * every {@code health-interval} (a 2xx from its health path means healthy), and marked down at once
 * when it refuses a connection. Requests go round robin over the healthy ones; when none is
 * healthy, every instance is tried, since a check may simply not have caught a recovery yet.
 */
final class UpstreamPool {

  private static final Logger log = LoggerFactory.getLogger("io.truststram.gateway.upstream");

  private final String route;
  private final List<Instance> instances;
  private final String healthPath;
  private final AtomicInteger next = new AtomicInteger();
  private final HttpClient client;

  UpstreamPool(GatewayProperties.Route route, MeterRegistry meters) {
    this.route = route.id();
    this.healthPath = route.healthPath();
    this.instances = route.uris().stream().map(Instance::new).toList();
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    for (Instance instance : instances) {
      Gauge.builder("truststram.gateway.upstream.healthy", instance, i -> i.healthy.get() ? 1 : 0)
          .description("1 while the instance answers its health check, else 0")
          .tag("route", route.id())
          .tag("instance", instance.uri.toString())
          .register(meters);
    }
  }

  /** The instances to try for one request, in order: the healthy ones first, round robin. */
  List<URI> attemptOrder() {
    int start = Math.floorMod(next.getAndIncrement(), instances.size());
    List<URI> healthy = new ArrayList<>();
    List<URI> down = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      Instance instance = instances.get((start + i) % instances.size());
      (instance.healthy.get() ? healthy : down).add(instance.uri);
    }
    healthy.addAll(down);
    return healthy;
  }

  /** Marks {@code uri} down after it refused a connection; the next check may bring it back. */
  void markDown(URI uri) {
    for (Instance instance : instances) {
      if (instance.uri.equals(uri) && instance.healthy.compareAndSet(true, false)) {
        log.warn("route {}: instance {} refused a connection; marked down", route, uri);
      }
    }
  }

  /** Checks every instance once. */
  void checkAll() {
    for (Instance instance : instances) {
      boolean healthy = check(instance.uri);
      boolean was = instance.healthy.getAndSet(healthy);
      if (was != healthy) {
        if (healthy) {
          log.info("route {}: instance {} is healthy again", route, instance.uri);
        } else {
          log.warn("route {}: instance {} failed its health check", route, instance.uri);
        }
      }
    }
  }

  private boolean check(URI base) {
    try {
      HttpResponse<Void> response =
          client.send(
              HttpRequest.newBuilder(base.resolve(healthPath))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** An instance, healthy until found otherwise. */
  private static final class Instance {
    final URI uri;
    final AtomicBoolean healthy = new AtomicBoolean(true);

    Instance(URI uri) {
      this.uri = uri;
    }
  }
}
