package io.truststram.platform.blob;

import java.io.IOException;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The blob store: the embedded file-system adapter under {@code truststram.blobs.path} (default
 * {@code <data-dir>/blobs}) unless another adapter is configured.
 */
@Configuration(proxyBeanMethods = false)
class BlobConfiguration {

  @Bean
  @ConditionalOnMissingBean
  BlobStore blobStore(
      @Value("${truststram.blobs.path:${truststram.data-dir:./data}/blobs}") String path)
      throws IOException {
    return new FileSystemBlobStore(Path.of(path));
  }
}
