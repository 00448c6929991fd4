package io.truststram.platform.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.filter.TypeFilter;

/**
 * Leaves the components of unselected services out of component scanning.
 *
 * <p>Runs while the application context reads its configuration classes, before any bean exists,
 * which is why it reads {@code truststram.services} straight from the environment. A service that
 * is not selected contributes no bean at all: no controller, no listener, no schema migration.
 */
public final class ServiceSelectionFilter
    implements TypeFilter, EnvironmentAware, ResourceLoaderAware {

  private @Nullable Environment environment;
  private @Nullable ResourceLoader resourceLoader;
  private @Nullable ServiceSelection selection;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resourceLoader = resourceLoader;
  }

  @Override
  public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
    return selection().excludes(reader.getClassMetadata().getClassName());
  }

  private synchronized ServiceSelection selection() {
    if (selection == null) {
      if (environment == null || resourceLoader == null) {
        throw new IllegalStateException("ServiceSelectionFilter used outside component scanning");
      }
      selection = select(environment, resourceLoader);
    }
    return selection;
  }

  /** Reads the selection from the environment and resolves it against the services present. */
  public static ServiceSelection select(Environment environment, ResourceLoader resourceLoader) {
    List<String> requested =
        Binder.get(environment)
            .bind("truststram.services", Bindable.listOf(String.class))
            .orElse(List.of("all"));
    return ServiceSelection.resolve(requested, servicesPresent(resourceLoader));
  }

  /**
   * Names of the top-level packages under {@code io.truststram} that carry a {@code package-info}:
   * every application module declares one, so this finds the modules on the class path whichever
   * jar they are in.
   */
  static Set<String> servicesPresent(ResourceLoader resourceLoader) {
    var resolver = new PathMatchingResourcePatternResolver(resourceLoader);
    Set<String> names = new TreeSet<>();
    try {
      for (Resource resource :
          resolver.getResources("classpath*:io/truststram/*/package-info.class")) {
        String url = resource.getURL().toString();
        String withoutFile = url.substring(0, url.lastIndexOf('/'));
        names.add(withoutFile.substring(withoutFile.lastIndexOf('/') + 1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the modules on the class path", e);
    }
    names.removeAll(ServiceSelection.INFRASTRUCTURE);
    return names;
  }
}
