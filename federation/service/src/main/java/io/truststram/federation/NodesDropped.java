package io.truststram.federation;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Nodes chosen for a round sent no update before it closed (or before the attempt was abandoned):
 * they dropped out. Published for the trust service, which counts a dropout as weak negative
 * evidence about the node (networks fail; a node that drops out often is not one to rely on).
 *
 * @param federationId the federation
 * @param tenant its owner, in whose trust graph the evidence goes
 * @param round the round
 * @param attempt its attempt
 * @param nodes the nodes that dropped out
 * @param at when the round closed or was abandoned
 */
public record NodesDropped(
    UUID federationId, TenantId tenant, int round, int attempt, List<UUID> nodes, Instant at) {

  public NodesDropped {
    nodes = List.copyOf(nodes);
  }
}
