package io.truststram;

import com.tngtech.archunit.core.domain.JavaClass;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Verifies the application modules (no cycles, no access to another module's internals) and writes
 * their documentation to {@code docs/modules/}.
 *
 * <p>{@code io.truststram.common} is the shared kernel, a library every module may use, so it is
 * not an application module and is left out of the model.
 */
class ModularityTests {

  static final ApplicationModules MODULES =
      ApplicationModules.of(
          TrustStram.class, JavaClass.Predicates.resideInAPackage("io.truststram.common.."));

  @Test
  void modulesRespectTheirBoundaries() {
    MODULES.verify();
  }

  @Test
  void writesModuleDocumentation() {
    new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("../../docs/modules"))
        .writeDocumentation();
  }
}
