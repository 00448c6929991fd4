package io.truststram.platform.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {

  @TempDir Path root;

  @Override
  BlobStore store() throws IOException {
    return new FileSystemBlobStore(root);
  }

  @Test
  void givesBlobsAsLocalFilesForMappedReading() throws IOException {
    BlobStore store = new FileSystemBlobStore(root);
    store.put("m/1", new ByteArrayInputStream(new byte[] {4, 2}), 10);
    assertThat(store.localFile("m/1"))
        .hasValueSatisfying(f -> assertThat(f).hasBinaryContent(new byte[] {4, 2}));
    assertThat(store.localFile("m/2")).isEmpty();
  }

  @Test
  void removesTheTemporaryFilesACrashLeftBehind() throws IOException {
    Files.createDirectories(root.resolve("tmp"));
    Files.writeString(root.resolve("tmp/partial-upload"), "half");
    new FileSystemBlobStore(root);
    assertThat(root.resolve("tmp")).isEmptyDirectory();
  }

  @Test
  void rehashesABlobWhoseHashWasLeftStaleByACrash() throws IOException {
    BlobStore store = new FileSystemBlobStore(root);
    BlobInfo info = store.put("m", new ByteArrayInputStream(new byte[] {1, 2, 3}), 10);
    // As if the process died after writing the next version's hash but before its object.
    Files.writeString(root.resolve("hashes/m"), "5 0000");
    assertThat(new FileSystemBlobStore(root).stat("m")).contains(info);
  }
}
