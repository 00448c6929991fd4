package io.truststram.bench;

import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One node, one round, a model of P float32 parameters (1 GB at 250 million): the node polls its
 * task, downloads the global model (streamed, not kept), writes its update to disk and uploads it
 * through the resumable protocol in chunks, with the connection broken once in the middle of a
 * chunk so that it has to ask where the upload stands and resume. Prints one JSON object with the
 * times and rates, and the server's peak resident memory.
 *
 * <p>Usage: {@code LargeModelUpload SERVER_URL CLIENT_ID CLIENT_SECRET SERVER_PID PARAMETERS
 * CHUNK_MB WORK_DIR}
 */
public final class LargeModelUpload {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private LargeModelUpload() {}

  public static void main(String[] args) throws Exception {
    URI server = URI.create(args[0]);
    TokenSource admin = TokenSource.clientCredentials(server, args[1], args[2]);
    Path status = Path.of("/proc/" + args[3] + "/status");
    long parameters = Long.parseLong(args[4]);
    int chunk = Integer.parseInt(args[5]) << 20;
    Path work = Path.of(args[6]);
    // softmax(inputs -> 100): (inputs + 1) x 100 parameters, within the API's 10 million inputs.
    int classes = 100;
    int inputs = (int) (parameters / classes - 1);

    long[] peakRss = {0};
    Thread sampler =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  while (true) {
                    try {
                      peakRss[0] = Math.max(peakRss[0], rssKb(status));
                      Thread.sleep(200);
                    } catch (InterruptedException | IOException e) {
                      return;
                    }
                  }
                });

    TrustStramApi api = TrustStramApi.connect(server, admin);
    long created = System.nanoTime();
    var federation =
        api.createFederation(
            new TrustStramApi.FederationSpec(
                "large-" + System.currentTimeMillis(),
                "softmax",
                inputs,
                classes,
                List.of(),
                "fedavg",
                Map.of("epochs", "1"),
                1,
                1,
                1,
                3600,
                1));
    var node = api.registerNode(federation.id(), "large", 100);
    TokenSource tokens =
        TokenSource.clientCredentials(server, node.clientId(), node.clientSecret());
    api.start(federation.id());
    String base = "/api/v1/federations/" + federation.id();

    JsonNode task = null;
    while (task == null || !task.path("type").asString().equals("train")) {
      HttpResponse<String> polled =
          HTTP.send(
              get(server, base + "/nodes/" + node.nodeId() + "/task?wait=30", tokens),
              HttpResponse.BodyHandlers.ofString());
      task = polled.statusCode() == 200 ? JSON.readTree(polled.body()) : null;
    }
    double firstTaskSeconds = (System.nanoTime() - created) / 1e9;

    long downloadStart = System.nanoTime();
    HttpResponse<InputStream> model =
        HTTP.send(
            get(server, task.path("model").asString(), tokens),
            HttpResponse.BodyHandlers.ofInputStream());
    long downloaded;
    try (InputStream in = model.body()) {
      downloaded = in.transferTo(OutputStream.nullOutputStream());
    }
    double downloadSeconds = (System.nanoTime() - downloadStart) / 1e9;

    Path file = work.resolve("update.safetensors");
    writeUpdate(file, parameters);
    long total = Files.size(file);
    String update = task.path("update").asString();

    long uploadStart = System.nanoTime();
    HttpResponse<String> started =
        HTTP.send(
            request(server, update + "/uploads", tokens)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"totalBytes\":" + total + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String upload = update + "/uploads/" + JSON.readTree(started.body()).path("id").asString();
    long offset = 0;
    boolean broken = false;
    int chunks = 0;
    double lastChunkSeconds = 0;
    JsonNode receipt = null;
    while (receipt == null) {
      long length = Math.min(chunk, total - offset);
      boolean breakThisOne = !broken && offset >= total / 2;
      long from = offset;
      long chunkStart = System.nanoTime();
      try {
        HttpResponse<String> answer =
            HTTP.send(
                request(server, upload, tokens)
                    .header("Content-Type", "application/octet-stream")
                    .header(
                        "Content-Range", "bytes " + from + "-" + (from + length - 1) + "/" + total)
                    .PUT(
                        HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(
                                () -> slice(file, from, length, breakThisOne)),
                            length))
                    .timeout(Duration.ofMinutes(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        chunks++;
        lastChunkSeconds = (System.nanoTime() - chunkStart) / 1e9;
        JsonNode body = JSON.readTree(answer.body());
        if (answer.statusCode() == 201) {
          receipt = body;
        } else if (answer.statusCode() == 200) {
          offset = body.path("offset").asLong();
        } else {
          throw new IllegalStateException("chunk refused: " + answer.body());
        }
      } catch (IOException interrupted) {
        broken = true;
        HttpResponse<String> where =
            HTTP.send(get(server, upload, tokens), HttpResponse.BodyHandlers.ofString());
        offset = JSON.readTree(where.body()).path("offset").asLong();
      }
    }
    double uploadSeconds = (System.nanoTime() - uploadStart) / 1e9;
    while (!api.federation(federation.id()).ended()) {
      Thread.sleep(200);
    }
    double roundSeconds = (System.nanoTime() - uploadStart) / 1e9;
    sampler.interrupt();

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("parameters", parameters);
    result.put("updateBytes", total);
    result.put("chunkBytes", chunk);
    result.put("chunksSent", chunks);
    result.put("connectionBrokenOnce", broken);
    result.put("state", api.federation(federation.id()).state());
    result.put("createStartAndFirstTaskSeconds", round(firstTaskSeconds));
    result.put("modelDownloadBytes", downloaded);
    result.put("modelDownloadSeconds", round(downloadSeconds));
    result.put("modelDownloadMBps", round(downloaded / 1e6 / downloadSeconds));
    result.put("uploadSeconds", round(uploadSeconds));
    result.put("uploadMBps", round(total / 1e6 / uploadSeconds));
    result.put("lastChunkWithCheckAndFoldSeconds", round(lastChunkSeconds));
    result.put("untilRoundCompletedSeconds", round(roundSeconds));
    result.put("receiptSha256", receipt.path("sha256").asString());
    result.put("serverRssMbPeak", peakRss[0] / 1024);
    System.out.println(JSON.writeValueAsString(result));
  }

  /** Bytes {@code [from, from + length)} of {@code file}; when {@code breaks}, fails halfway. */
  private static InputStream slice(Path file, long from, long length, boolean breaks) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      channel.position(from);
      InputStream in = java.nio.channels.Channels.newInputStream(channel);
      return new InputStream() {
        private long left = length;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
          if (breaks && left < length / 2) {
            throw new IOException("connection broken on purpose");
          }
          if (left == 0) {
            return -1;
          }
          int read = in.read(buffer, offset, (int) Math.min(count, left));
          if (read > 0) {
            left -= read;
          }
          return read;
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes a safetensors update of {@code parameters} float32 values, streaming. */
  private static void writeUpdate(Path file, long parameters) throws IOException {
    String header =
        "{\"__metadata__\":{\"examples\":\"100\",\"steps\":\"1\"},\"parameters\":{\"dtype\":\"F32\","
            + "\"shape\":["
            + parameters
            + "],\"data_offsets\":[0,"
            + parameters * 4
            + "]}}";
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    int padded = (headerBytes.length + 7) / 8 * 8;
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer start = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
      start.putLong(padded).put(headerBytes);
      while (start.hasRemaining()) {
        start.put((byte) ' ');
      }
      out.write(start.flip());
      ByteBuffer values = ByteBuffer.allocateDirect(1 << 24).order(ByteOrder.LITTLE_ENDIAN);
      long written = 0;
      while (written < parameters) {
        values.clear();
        while (values.remaining() >= 4 && written < parameters) {
          values.putFloat((written % 1000) / 1e6f);
          written++;
        }
        values.flip();
        while (values.hasRemaining()) {
          out.write(values);
        }
      }
    }
  }

  private static HttpRequest.Builder request(URI server, String path, TokenSource tokens)
      throws IOException {
    return HttpRequest.newBuilder(server.resolve(path))
        .header("Authorization", "Bearer " + tokens.token());
  }

  private static HttpRequest get(URI server, String path, TokenSource tokens) throws IOException {
    return request(server, path, tokens).timeout(Duration.ofMinutes(10)).GET().build();
  }

  private static long rssKb(Path status) throws IOException {
    Matcher m = Pattern.compile("VmRSS:\\s+(\\d+)").matcher(Files.readString(status));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
