package io.truststram;

import com.tngtech.archunit.core.domain.JavaClass;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Verifies the application modules (no cycles, no access to another module's internals) and writes
 * their documentation to {@code docs/modules/}.
 *
 * <p>{@code io.truststram.common} (the shared kernel) and {@code io.truststram.ml} (the ML core:
 * vectors, data sets, models, safetensors) are plain libraries every module may use, so they are
 * not application modules and are left out of the model; so are the federation engine's plain-Java
 * strategies and sharding packages ({@code federation/core}), which the aggregation shards use as a
 * library too; the crypto primitives, sealed boxes, secret sharing and Paillier ({@code
 * crypto/core}) and the verifiable log ({@code audit/core}), which any service may use; the
 * fairness and global-importance summaries of {@code explain/core}, which the federation service
 * adds up in its federated analyses; and {@code io.truststram.cli} and {@code io.truststram.sdk},
 * clients of the server that its tests put on the classpath.
 */
class ModularityTests {

  static final ApplicationModules MODULES =
      ApplicationModules.of(
          TrustStram.class,
          JavaClass.Predicates.resideInAnyPackage(
              "io.truststram.common..",
              "io.truststram.ml..",
              "io.truststram.federation.strategy..",
              "io.truststram.federation.sharding..",
              "io.truststram.federation.privacy..",
              "io.truststram.federation.secagg..",
              "io.truststram.crypto.primitive..",
              "io.truststram.crypto.seal..",
              "io.truststram.crypto.sharing..",
              "io.truststram.crypto.homomorphic..",
              "io.truststram.audit.log..",
              "io.truststram.explain.fairness..",
              "io.truststram.explain.global..",
              "io.truststram.cli..",
              "io.truststram.sdk.."));

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
