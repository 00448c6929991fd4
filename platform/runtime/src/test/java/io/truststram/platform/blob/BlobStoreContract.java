package io.truststram.platform.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link BlobStore} adapter promises; each adapter's test extends this. */
abstract class BlobStoreContract {

  /** A new, empty store. */
  abstract BlobStore store() throws IOException;

  @Test
  void storesAndReadsBackBytesWithTheirHash() throws Exception {
    BlobStore store = store();
    byte[] bytes = new byte[300_000];
    new Random(1).nextBytes(bytes);
    BlobInfo info = store.put("models/a/1.safetensors", new ByteArrayInputStream(bytes), 1 << 20);
    assertThat(info.size()).isEqualTo(bytes.length);
    assertThat(info.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    try (InputStream in = store.open("models/a/1.safetensors")) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    assertThat(store.stat("models/a/1.safetensors")).contains(info);
  }

  @Test
  void anEmptyBlobIsABlob() throws Exception {
    BlobStore store = store();
    BlobInfo info = store.put("empty", InputStream.nullInputStream(), 0);
    assertThat(info.size()).isZero();
    assertThat(store.stat("empty")).contains(info);
  }

  @Test
  void aPutReplacesTheBlobWhole() throws Exception {
    BlobStore store = store();
    store.put("k", text("first version, longer"), 100);
    store.put("k", text("second"), 100);
    try (InputStream in = store.open("k")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second");
    }
    assertThat(store.stat("k").orElseThrow().size()).isEqualTo(6);
  }

  @Test
  void contentOverTheLimitStoresNothingAndKeepsTheOldBlob() throws Exception {
    BlobStore store = store();
    store.put("k", text("old"), 100);
    assertThatThrownBy(() -> store.put("k", text("x".repeat(101)), 100))
        .isInstanceOf(BlobTooLargeException.class);
    assertThatThrownBy(() -> store.put("new", text("x".repeat(101)), 100))
        .isInstanceOf(BlobTooLargeException.class);
    assertThat(store.stat("new")).isEmpty();
    try (InputStream in = store.open("k")) {
      assertThat(in.readAllBytes()).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aFailingSourceStoresNothing() throws Exception {
    BlobStore store = store();
    InputStream failing =
        new InputStream() {
          private int left = 10_000;

          @Override
          public int read() throws IOException {
            if (left <= 0) {
              throw new IOException("connection reset");
            }
            left--;
            return 7;
          }
        };
    assertThatThrownBy(() -> store.put("broken", failing, 1 << 20))
        .isInstanceOf(IOException.class)
        .hasMessage("connection reset");
    assertThat(store.stat("broken")).isEmpty();
    assertThat(store.list("")).doesNotContain("broken");
  }

  @Test
  void aWriterStoresWhatItWritesAndAFailingOneNothing() throws Exception {
    BlobStore store = store();
    BlobInfo info =
        store.write("written", out -> out.write("streamed".getBytes(StandardCharsets.UTF_8)), 100);
    assertThat(info.size()).isEqualTo(8);
    try (InputStream in = store.open("written")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("streamed");
    }
    assertThatThrownBy(
            () ->
                store.write(
                    "failed",
                    out -> {
                      out.write(new byte[50]);
                      throw new IOException("serialiser failed");
                    },
                    100))
        .hasMessage("serialiser failed");
    assertThatThrownBy(() -> store.write("long", out -> out.write(new byte[101]), 100))
        .isInstanceOf(BlobTooLargeException.class);
    assertThat(store.list("")).containsExactly("written");
  }

  @Test
  void listsAndDeletesByPrefix() throws Exception {
    BlobStore store = store();
    for (String key : List.of("f/1/a", "f/1/b", "f/10/a", "f/2", "g")) {
      store.put(key, text(key), 100);
    }
    assertThat(store.list("f/1/")).containsExactly("f/1/a", "f/1/b");
    assertThat(store.list("f/1")).containsExactly("f/1/a", "f/1/b", "f/10/a");
    assertThat(store.list("nothing/")).isEmpty();
    assertThat(store.deleteAll("f/1/")).isEqualTo(2);
    assertThat(store.list("")).containsExactly("f/10/a", "f/2", "g");
    assertThat(store.delete("g")).isTrue();
    assertThat(store.delete("g")).isFalse();
    assertThatThrownBy(() -> store.open("g")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void refusesKeysThatCouldEscapeOrAreMalformed() throws Exception {
    BlobStore store = store();
    for (String key : List.of("", "/abs", "a//b", "../x", "a/../b", "a/./b", "a b", "a\\b", ".x")) {
      assertThatThrownBy(() -> store.put(key, text("x"), 10))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void concurrentPutsAndDeletesInOneFolderAllLand() throws Exception {
    BlobStore store = store();
    List<Callable<Object>> work = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      String key = "shared/" + i;
      work.add(
          () -> {
            store.put(key, text(key), 100);
            store.delete(key);
            return store.put(key + "-kept", text(key), 100);
          });
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (Future<Object> done : pool.invokeAll(work)) {
        done.get();
      }
    }
    assertThat(store.list("shared/")).hasSize(64).allMatch(key -> key.endsWith("-kept"));
  }

  private static InputStream text(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
