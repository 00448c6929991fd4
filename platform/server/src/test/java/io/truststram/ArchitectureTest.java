package io.truststram;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

/**
 * Guardrails of ARCHITECTURE.md that the module model alone does not check.
 *
 * <p>Core modules are recognised by where their classes come from: {@code platform/common} and any
 * Maven module whose directory or jar is named {@code core}. The server depends on every module, so
 * its test class path sees them all.
 */
class ArchitectureTest {

  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(new ImportOption.DoNotIncludeTests())
          .importPackages("io.truststram");

  @Test
  void coreModulesImportNoSpringAndNoServer() {
    noClasses()
        .that()
        .resideInAPackage("io.truststram..")
        .and(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "are in a core module",
                javaClass ->
                    javaClass.getSource().map(s -> isCore(Location.of(s.getUri()))).orElse(false)))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "io.truststram.platform..",
            "jakarta.servlet..",
            "jakarta.persistence..",
            "jakarta.validation..",
            "java.sql..",
            "javax.sql..",
            "org.flywaydb..",
            "org.h2..",
            "org.postgresql..",
            "io.lettuce..",
            "org.apache.catalina..",
            "org.apache.tomcat..")
        .check(CLASSES);
  }

  @Test
  void thereAreCoreClassesToCheck() {
    // Guards the rule above against matching nothing if the module layout changes.
    org.assertj.core.api.Assertions.assertThat(
            CLASSES.stream()
                .filter(c -> c.getSource().map(s -> isCore(Location.of(s.getUri()))).orElse(false))
                .count())
        .isPositive();
  }

  @Test
  void everyPackageDeclaresNullness() {
    var packages = CLASSES.stream().map(JavaClass::getPackage).distinct().toList();
    org.assertj.core.api.Assertions.assertThat(packages).isNotEmpty();
    for (JavaPackage javaPackage : packages) {
      org.assertj.core.api.Assertions.assertThat(
              javaPackage.tryGetPackageInfo().map(info -> info.isAnnotatedWith(NullMarked.class)))
          .as("package-info of %s is @NullMarked", javaPackage.getName())
          .contains(true);
    }
  }

  @Test
  void modulesAreFreeOfCycles() {
    slices().matching("io.truststram.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void servicesWriteToLogsNotToStandardStreams() {
    noClasses()
        .that()
        .resideInAPackage("io.truststram..")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .orShould()
        .callMethod(Throwable.class, "printStackTrace")
        .check(CLASSES);
  }

  static boolean isCore(Location location) {
    String uri = location.asURI().toString();
    return uri.contains("/platform/common/")
        || uri.contains("/truststram-common-")
        || uri.matches(".*/core/target/classes/.*")
        || uri.matches(".*/truststram-[a-z-]+-core-[^/]*\\.jar.*");
  }
}
