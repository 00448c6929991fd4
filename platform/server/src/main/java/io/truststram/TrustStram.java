package io.truststram;

import io.truststram.platform.services.ServiceSelectionFilter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.modulith.Modulithic;

/**
 * The TrustStram server: every service in one process, or the subset named by {@code
 * truststram.services}.
 *
 * <p>Each top-level package under {@code io.truststram} is an application module. The platform
 * module ({@code io.truststram.platform}) always runs; every other module is a service that the
 * {@link ServiceSelectionFilter} leaves out of component scanning unless it is selected. See
 * docs/adr/0001-one-binary-any-role.md.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(
    excludeFilters = {
      @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
      @ComponentScan.Filter(
          type = FilterType.CUSTOM,
          classes = AutoConfigurationExcludeFilter.class),
      @ComponentScan.Filter(type = FilterType.CUSTOM, classes = ServiceSelectionFilter.class)
    })
@Modulithic(systemName = "TrustStram", sharedModules = "platform")
public class TrustStram {

  public static void main(String[] args) {
    SpringApplication.run(TrustStram.class, args);
  }
}
