package io.truststram.platform.persistence;

import io.truststram.platform.ModuleSchema;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Declares the platform's own schema and migrates all module schemas at start-up. */
@Configuration(proxyBeanMethods = false)
class PersistenceConfiguration {

  /** The platform's tables: the event publication registry of Spring Modulith. */
  @Bean
  ModuleSchema platformSchema() {
    return new ModuleSchema("platform");
  }

  @Bean
  ModuleMigrations moduleMigrations(DataSource dataSource, List<ModuleSchema> schemas) {
    return new ModuleMigrations(dataSource, schemas);
  }
}
