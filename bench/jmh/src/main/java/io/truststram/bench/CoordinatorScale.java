package io.truststram.bench;

import io.truststram.federation.FederatedClient;
import io.truststram.federation.strategy.LocalTraining;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator for the coordinator over real HTTP: N client nodes (the Java SDK's node loop, all
 * in this process on virtual threads, sharing one HTTP client) in one federation whose model has P
 * parameters; K nodes per round, R rounds. The nodes "train" by returning the global model plus a
 * small deterministic change, so the measurement is the coordinator's, not the clients'.
 *
 * <p>Samples the server process's CPU time and resident memory from /proc every 250 ms and prints
 * one JSON object: set-up times, rounds per minute, server CPU per update, resident memory before
 * and at peak, and updates rejected (server counter) or lost (expected minus aggregated).
 *
 * <p>Usage: {@code CoordinatorScale SERVER_URL CLIENT_ID CLIENT_SECRET SERVER_PID NODES PER_ROUND
 * ROUNDS PARAMETERS [NODES_PER_SECOND]} (an API client allowed to create federations and read
 * metrics; nodes start at NODES_PER_SECOND, default 500).
 */
public final class CoordinatorScale {

  private CoordinatorScale() {}

  public static void main(String[] args) throws Exception {
    URI server = URI.create(args[0]);
    TokenSource tokens = TokenSource.clientCredentials(server, args[1], args[2]);
    long pid = Long.parseLong(args[3]);
    int nodes = Integer.parseInt(args[4]);
    int perRound = Integer.parseInt(args[5]);
    int rounds = Integer.parseInt(args[6]);
    int parameters = Integer.parseInt(args[7]);
    int connectRate = args.length > 8 ? Integer.parseInt(args[8]) : 500;
    int classes = 10;
    int inputs = parameters / classes - 1;
    if ((inputs + 1) * classes != parameters) {
      throw new IllegalArgumentException("parameters must be a multiple of 10");
    }
    TrustStramApi api = TrustStramApi.connect(server, tokens);
    Sampler sampler = new Sampler(pid);
    sampler.start();

    var federation =
        api.createFederation(
            new TrustStramApi.FederationSpec(
                "scale-" + nodes + "-" + System.currentTimeMillis(),
                "softmax",
                inputs,
                classes,
                List.of(),
                "fedavg",
                Map.of("epochs", "1"),
                rounds,
                perRound,
                perRound,
                900,
                1));

    long registerStart = System.nanoTime();
    List<TrustStramApi.NodeCredentials> credentials = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore parallel = new Semaphore(16);
      List<Future<TrustStramApi.NodeCredentials>> registered = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        int index = i;
        registered.add(
            pool.submit(
                () -> {
                  parallel.acquire();
                  try {
                    return api.registerNode(federation.id(), "load-" + index, 100);
                  } finally {
                    parallel.release();
                  }
                }));
      }
      for (Future<TrustStramApi.NodeCredentials> future : registered) {
        credentials.add(future.get());
      }
    }
    double registerSeconds = (System.nanoTime() - registerStart) / 1e9;

    AtomicLong retries = new AtomicLong();
    AtomicLong skipped = new AtomicLong();
    AtomicLong acknowledged = new AtomicLong();
    List<FederationNode> running = new ArrayList<>();
    for (TrustStramApi.NodeCredentials node : credentials) {
      running.add(
          FederationNode.builder(server, federation.id(), node.nodeId())
              .tokens(TokenSource.clientCredentials(server, node.clientId(), node.clientSecret()))
              .client(new Echo(parameters))
              .retry(new FederationNode.Retry(40, Duration.ofMillis(500), Duration.ofSeconds(20)))
              .events(
                  event -> {
                    switch (event.kind()) {
                      case "retrying" -> retries.incrementAndGet();
                      case "skipped" -> skipped.incrementAndGet();
                      case "uploaded" -> acknowledged.incrementAndGet();
                      default -> {}
                    }
                  })
              .build());
    }

    long connectStart = System.nanoTime();
    List<Future<FederationNode.Summary>> summaries = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      // Nodes come up at a steady rate, as a fleet does, rather than all in one instant.
      for (int i = 0; i < running.size(); i++) {
        summaries.add(pool.submit(running.get(i)::run));
        if (i % (connectRate / 10) == 0) {
          Thread.sleep(100);
        }
      }
      // Wait until the server sees every node (heartbeats), then start.
      while (activeNodes(server, tokens.token()) < nodes) {
        Thread.sleep(500);
        if (System.nanoTime() - connectStart > Duration.ofMinutes(10).toNanos()) {
          throw new IllegalStateException("not every node connected within 10 minutes");
        }
      }
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      long liveHeapConnected = liveHeapKb(pid);
      long rssBefore = sampler.rssKb();
      long cpuBefore = sampler.cpuTicks();
      sampler.resetPeak();
      Instant started = Instant.now();
      api.start(federation.id());
      TrustStramApi.Federation state = api.federation(federation.id());
      while (!state.ended()) {
        Thread.sleep(1000);
        state = api.federation(federation.id());
      }
      Instant ended = Instant.now();
      long cpuTicks = sampler.cpuTicks() - cpuBefore;
      long peak = sampler.peakRssKb();
      long liveHeapTrained = liveHeapKb(pid);
      for (FederationNode node : running) {
        node.close();
      }
      for (Future<FederationNode.Summary> summary : summaries) {
        try {
          summary.get();
        } catch (java.util.concurrent.ExecutionException e) {
          // closed while polling
        }
      }
      List<TrustStramApi.Round> done = api.rounds(federation.id());
      long aggregated = done.stream().mapToLong(TrustStramApi.Round::updates).sum();
      double seconds = Duration.between(started, ended).toMillis() / 1000.0;
      List<Double> roundSeconds = new ArrayList<>();
      long aggregationMillis = 0;
      for (TrustStramApi.Round round : done) {
        if (round.closedAt() != null) {
          roundSeconds.add(
              Duration.between(round.openedAt(), round.closedAt()).toMillis() / 1000.0);
        }
        aggregationMillis += round.aggregationMillis();
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("nodes", nodes);
      result.put("perRound", perRound);
      result.put("rounds", rounds);
      result.put("parameters", parameters);
      result.put("nodesStartedPerSecond", connectRate);
      result.put("state", state.state());
      result.put("registerSeconds", round(registerSeconds));
      result.put("connectSeconds", round(connectSeconds));
      result.put("trainSeconds", round(seconds));
      result.put("roundsPerMinute", round(rounds / seconds * 60));
      result.put("roundSeconds", roundSeconds);
      result.put("updatesExpected", (long) perRound * rounds);
      result.put("updatesAggregated", aggregated);
      result.put("updatesLost", (long) perRound * rounds - aggregated);
      result.put("updatesRejected", rejected(server, tokens.token()));
      result.put("clientRetries", retries.get());
      result.put("clientSkipped", skipped.get());
      result.put("serverCpuSeconds", round(cpuTicks / 100.0));
      result.put("serverCpuMillisPerUpdate", round(cpuTicks * 10.0 / Math.max(1, aggregated)));
      result.put("aggregationMillis", aggregationMillis);
      result.put("serverLiveHeapMbConnected", liveHeapConnected / 1024);
      result.put("serverLiveHeapMbAfterTraining", liveHeapTrained / 1024);
      result.put("serverRssMbBeforeStart", rssBefore / 1024);
      result.put("serverRssMbPeak", peak / 1024);
      result.put("modelMb", round(parameters * 4 / 1e6));
      System.out.println(
          tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(result));
    }
    sampler.interrupt();
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String prometheus(URI server, String token) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(server.resolve("/actuator/prometheus"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static long activeNodes(URI server, String token) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^truststram_federation_nodes_active\\{[^}]*\\} ([0-9.E]+)")
            .matcher(prometheus(server, token));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static long rejected(URI server, String token) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^truststram_federation_updates_rejected_total\\{[^}]*\\} ([0-9.E]+)")
            .matcher(prometheus(server, token));
    long total = 0;
    while (m.find()) {
      total += (long) Double.parseDouble(m.group(1));
    }
    return total;
  }

  /**
   * The server's live heap: what is left after a full collection ({@code jcmd GC.class_histogram}
   * collects first and totals the live objects).
   */
  private static long liveHeapKb(long pid) throws Exception {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid),
                "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String output = new String(jcmd.getInputStream().readAllBytes());
    jcmd.waitFor();
    Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(output);
    return total.find() ? Long.parseLong(total.group(1)) / 1024 : -1;
  }

  /** A client whose "training" moves every parameter by a small amount. */
  private record Echo(int parameters) implements FederatedClient {
    @Override
    public String id() {
      return "echo";
    }

    @Override
    public long examples() {
      return 100;
    }

    @Override
    public Fit fit(float[] global, LocalTraining training, int maxSteps, long seed) {
      float[] next = global.clone();
      float step = (seed & 1023) / 1e6f;
      for (int i = 0; i < next.length; i++) {
        next[i] += step;
      }
      return new Fit(next, 100, 1, Map.of("loss", 1.0));
    }

    @Override
    public Evaluation evaluate(float[] global) {
      return new Evaluation(0, 0, 0);
    }
  }

  /** Samples a process's CPU ticks and resident memory from /proc. */
  private static final class Sampler extends Thread {
    private final Path stat;
    private final Path status;
    private volatile long peakRssKb;

    Sampler(long pid) {
      super("proc-sampler");
      setDaemon(true);
      this.stat = Path.of("/proc/" + pid + "/stat");
      this.status = Path.of("/proc/" + pid + "/status");
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        try {
          peakRssKb = Math.max(peakRssKb, rssKb());
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        } catch (IOException e) {
          return;
        }
      }
    }

    void resetPeak() {
      peakRssKb = 0;
    }

    long peakRssKb() {
      return peakRssKb;
    }

    long rssKb() throws IOException {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return 0;
    }

    long cpuTicks() throws IOException {
      String text = Files.readString(stat);
      String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
      // Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the command name.
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
  }
}
