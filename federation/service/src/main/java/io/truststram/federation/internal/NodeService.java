package io.truststram.federation.internal;

import io.truststram.common.id.Uuids;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.federation.FederationProblems;
import io.truststram.identity.ApiClients;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client nodes of federations: registered by the owner or an active participant tenant, each
 * with its own API client (role federation-participant) so it authenticates as itself; they report
 * with heartbeats, and a node that missed three is no longer available for rounds.
 */
final class NodeService {

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.federations");

  /** How often a node reports. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final FederationService federations;
  private final Participants participants;
  private final Nodes nodes;
  private final ApiClients clients;
  private final Coordinator coordinator;
  private final Clock clock;

  NodeService(
      FederationService federations,
      Participants participants,
      Nodes nodes,
      ApiClients clients,
      Coordinator coordinator,
      Clock clock) {
    this.federations = federations;
    this.participants = participants;
    this.nodes = nodes;
    this.clients = clients;
    this.coordinator = coordinator;
    this.clock = clock;
  }

  /** A node just registered, with its credentials (shown once). */
  record Registered(Nodes.Node node, ApiClients.Credentials credentials) {}

  Registered register(
      Caller caller,
      UUID federationId,
      String name,
      long examples,
      Map<String, String> capabilities) {
    FederationRecord federation = federations.find(caller, federationId);
    boolean owner = FederationService.owns(caller, federation);
    if (!owner
        && participants
            .find(federationId, caller.tenant())
            .filter(p -> p.state() == Participants.State.ACTIVE)
            .isEmpty()) {
      throw FederationService.participation(
          "your tenant must join the federation before it registers client nodes");
    }
    if (federation.state() != FederationRecord.State.CREATED
        && federation.state() != FederationRecord.State.RUNNING) {
      throw FederationService.participation("federation '" + federation.name() + "' has ended");
    }
    TenantId tenant = owner ? federation.tenant() : caller.tenant();
    ApiClients.Credentials credentials =
        clients.register(
            caller,
            tenant,
            "node " + name + " of federation " + federation.name(),
            Set.of(Role.FEDERATION_PARTICIPANT));
    Instant now = clock.instant();
    Nodes.Node node =
        new Nodes.Node(
            Uuids.v7(),
            federationId,
            tenant,
            name,
            credentials.clientId(),
            examples,
            capabilities,
            caller.subject(),
            now,
            null,
            null);
    nodes.insert(node);
    audit.info(
        "node {} ({}) of tenant {} registered in federation {} by {}",
        node.id(),
        credentials.clientId(),
        tenant,
        federationId,
        caller.subject());
    return new Registered(node, credentials);
  }

  /** The owner sees every node; a participant its own tenant's. */
  List<Nodes.Node> list(Caller caller, UUID federationId) {
    FederationRecord federation = federations.find(caller, federationId);
    return nodes.of(
        federationId, FederationService.owns(caller, federation) ? null : caller.tenant());
  }

  /**
   * A node reports that it is alive, with its current number of examples. The coordinator learns of
   * it at once; the stored time is written only when it is a heartbeat old or the example count
   * changed, so that ten thousand nodes do not cost ten thousand writes every interval.
   */
  Duration heartbeat(Caller caller, UUID federationId, UUID nodeId, long examples) {
    Nodes.Node node =
        nodes.actingAs(caller, federationId, nodeId).orElseThrow(() -> notFound(nodeId));
    Instant now = clock.instant();
    coordinator.seen(node.id());
    boolean stale =
        node.lastHeartbeatAt() == null || node.lastHeartbeatAt().isBefore(now.minus(HEARTBEAT));
    if ((stale || node.examples() != examples) && !nodes.heartbeat(node.id(), examples, now)) {
      throw notFound(nodeId);
    }
    return HEARTBEAT;
  }

  /** Removes a node of the caller's tenant; its client obtains no new token. */
  void remove(Caller caller, UUID federationId, UUID nodeId) {
    federations.find(caller, federationId);
    Nodes.Node node =
        nodes
            .find(federationId, nodeId)
            .filter(n -> n.removedAt() == null && caller.canSee(n.tenant()))
            .orElseThrow(() -> notFound(nodeId));
    nodes.remove(node.id(), clock.instant());
    clients.delete(caller, node.clientId());
    audit.info("node {} of federation {} removed by {}", nodeId, federationId, caller.subject());
  }

  /** Whether {@code node} reported within the last three heartbeat intervals. */
  boolean available(Nodes.Node node) {
    return node.lastHeartbeatAt() != null
        && node.lastHeartbeatAt().isAfter(clock.instant().minus(HEARTBEAT.multipliedBy(3)));
  }

  static ProblemException notFound(UUID nodeId) {
    return new ProblemException(
        FederationProblems.NODE_NOT_FOUND, "No client node has id '" + nodeId + "' here");
  }
}
