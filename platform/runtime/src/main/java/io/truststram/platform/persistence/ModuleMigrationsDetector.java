package io.truststram.platform.persistence;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Tells Spring Boot that {@link ModuleMigrations} initialises the database, so that every bean
 * depending on database initialisation (JDBC templates and clients, the event publication registry)
 * is created after it. Registered in {@code META-INF/spring.factories}.
 */
public final class ModuleMigrationsDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

  @Override
  protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
    return Set.of(ModuleMigrations.class);
  }
}
