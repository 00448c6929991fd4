package io.truststram.federation.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** REST API of client nodes: {@code /api/v1/federations/{id}/nodes}. */
@RestController
@RequestMapping(
    path = "/api/v1/federations/{federationId}/nodes",
    produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Client nodes", description = "The machines that train in a federation")
class NodeController {

  private final NodeService nodes;

  NodeController(NodeService nodes) {
    this.nodes = nodes;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('federation:manage')")
  @Operation(
      summary = "Register a client node of your tenant (the owner's, or an active participant's)",
      description =
          "Returns the node's own client id and secret, once: the node gets its tokens with them"
              + " (client credentials) and acts as federation-participant of your tenant.")
  ResponseEntity<RegisteredNodeView> register(
      @PathVariable String federationId,
      @Valid @RequestBody RegisterNodeRequest body,
      UriComponentsBuilder uri) {
    UUID federation = FederationController.parseId(federationId);
    NodeService.Registered registered =
        nodes.register(
            CurrentPrincipal.require(),
            federation,
            body.name().strip(),
            body.examples(),
            body.capabilities() == null ? Map.of() : body.capabilities());
    return ResponseEntity.created(
            uri.path("/api/v1/federations/{f}/nodes/{n}")
                .buildAndExpand(federationId, registered.node().id())
                .toUri())
        .body(
            new RegisteredNodeView(
                view(registered.node()),
                registered.credentials().clientId(),
                registered.credentials().clientSecret()));
  }

  @GetMapping
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(summary = "The nodes: every one for the owner, your tenant's for a participant")
  List<NodeView> list(@PathVariable String federationId) {
    return nodes
        .list(CurrentPrincipal.require(), FederationController.parseId(federationId))
        .stream()
        .map(this::view)
        .toList();
  }

  @PostMapping("/{nodeId}/heartbeat")
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(summary = "A node reports that it is alive (only the node itself, with its own token)")
  HeartbeatView heartbeat(
      @PathVariable String federationId,
      @PathVariable String nodeId,
      @Valid @RequestBody(required = false) @Nullable HeartbeatRequest body) {
    var next =
        nodes.heartbeat(
            CurrentPrincipal.require(),
            FederationController.parseId(federationId),
            parseNode(nodeId),
            body == null || body.examples() == null ? 0 : body.examples());
    return new HeartbeatView(next.toSeconds());
  }

  @DeleteMapping("/{nodeId}")
  @PreAuthorize("hasAuthority('federation:manage')")
  @Operation(summary = "Remove a node of your tenant; its credentials stop working")
  ResponseEntity<Void> remove(@PathVariable String federationId, @PathVariable String nodeId) {
    nodes.remove(
        CurrentPrincipal.require(), FederationController.parseId(federationId), parseNode(nodeId));
    return ResponseEntity.noContent().build();
  }

  private static UUID parseNode(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw NodeService.notFound(new UUID(0, 0));
    }
  }

  private NodeView view(Nodes.Node node) {
    return new NodeView(
        node.id().toString(),
        node.tenant().toString(),
        node.name(),
        node.clientId(),
        node.examples(),
        node.capabilities(),
        node.registeredAt(),
        node.lastHeartbeatAt(),
        nodes.available(node));
  }

  /** The body of a node registration. */
  record RegisterNodeRequest(
      @NotBlank @Size(max = 200) @Pattern(
              regexp = "[\\p{L}\\p{N} ._:()/-]+",
              message = "letters, digits, spaces and . _ : ( ) / - only")
          String name,
      @Min(0) long examples,
      @Nullable @Size(max = 20) Map<@NotNull @Size(max = 64) String, @NotNull @Size(max = 200) String> capabilities) {}

  /** The (optional) body of a heartbeat. */
  record HeartbeatRequest(@Nullable @Min(0) Long examples) {}

  /** A node as the API shows it. */
  record NodeView(
      String id,
      String tenantId,
      String name,
      String clientId,
      long examples,
      Map<String, String> capabilities,
      Instant registeredAt,
      @Nullable Instant lastHeartbeatAt,
      boolean available) {}

  /** A node just registered: its credentials, shown once. */
  record RegisteredNodeView(NodeView node, String clientId, String clientSecret) {}

  /** When to report next. */
  record HeartbeatView(long nextHeartbeatSeconds) {}
}
