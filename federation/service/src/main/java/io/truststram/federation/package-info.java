/**
 * Federation: the federated-learning coordinator. A federation (a training job) is owned by one
 * tenant and names its model, strategy and rounds; its lifecycle runs created → running →
 * completed, failed or cancelled. The engine it runs ({@code federation/core}: strategies,
 * streaming aggregation, simulation) lives in the same package tree.
 *
 * <p>API: {@link io.truststram.federation.FederationStarted} (event), {@link
 * io.truststram.federation.FederationProblems}. REST: {@code /api/v1/federations}.
 */
@NullMarked
@ApplicationModule(displayName = "Federation")
package io.truststram.federation;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
