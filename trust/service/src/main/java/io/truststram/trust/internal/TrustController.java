package io.truststram.trust.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import io.truststram.platform.audit.Audited;
import io.truststram.platform.security.CurrentPrincipal;
import io.truststram.trust.internal.TrustGraphStore.Direction;
import io.truststram.trust.internal.TrustGraphStore.Entity;
import io.truststram.trust.internal.TrustGraphStore.EntityType;
import io.truststram.trust.internal.TrustGraphStore.RelationType;
import io.truststram.trust.internal.TrustGraphStore.ScoreKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/trust}: the tenant's trust graph, its scores, communities and policies. */
@RestController
@RequestMapping(path = "/api/v1/trust", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "Trust",
    description =
        "Typed entities, relationships and evidence; EigenTrust, SybilRank and Beta reputation"
            + " scores with their history and explanations; Louvain communities; policies.")
class TrustController {

  private final TrustService trust;

  TrustController(TrustService trust) {
    this.trust = trust;
  }

  private static TenantId tenant() {
    return CurrentPrincipal.require().tenant();
  }

  private static int limit(@Nullable Integer limit, int fallback, int max) {
    int value = limit == null ? fallback : limit;
    if (value < 1 || value > max) {
      throw TrustService.invalid("limit lies in 1.." + max + ", not " + value);
    }
    return value;
  }

  // Entities

  record EntitiesBody(@Nullable List<TrustService.EntityInput> entities) {}

  @PostMapping(path = "/entities", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(
      summary = "Create or replace entities, all or none",
      description =
          "types: organisation, user, client-node, model, dataset, agent. pretrusted entities are"
              + " EigenTrust's pre-trusted peers and SybilRank's seeds.")
  Map<String, Object> putEntities(@RequestBody EntitiesBody body) {
    List<Entity> written =
        trust.putEntities(tenant(), body.entities() == null ? List.of() : body.entities());
    return Map.of("written", written.size(), "ids", written.stream().map(Entity::id).toList());
  }

  record EntityBody(
      @Nullable String type,
      @Nullable String name,
      @Nullable Map<String, String> attributes,
      @Nullable Boolean pretrusted) {}

  @PutMapping(path = "/entities/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(summary = "Create or replace one entity")
  Map<String, Object> putEntity(@PathVariable String id, @RequestBody EntityBody body) {
    trust.putEntities(
        tenant(),
        List.of(
            new TrustService.EntityInput(
                id, body.type(), body.name(), body.attributes(), body.pretrusted())));
    return TrustViews.entity(trust.entity(tenant(), id));
  }

  @GetMapping("/entities")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "The tenant's entities by id, optionally of one type; paged")
  Map<String, Object> entities(
      @RequestParam(required = false) @Nullable String type,
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    EntityType of = type == null ? null : TrustService.entityType(type, "type");
    Page<Entity> page = trust.store().entities(tenant(), of, PageRequest.of(limit, cursor));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", page.items().stream().map(TrustViews::entity).toList());
    out.put("nextCursor", page.nextCursor());
    return out;
  }

  @GetMapping("/entities/{id}")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "An entity")
  Map<String, Object> entity(@PathVariable String id) {
    return TrustViews.entity(trust.entity(tenant(), id));
  }

  @DeleteMapping("/entities/{id}")
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(summary = "Delete an entity with its relationships, evidence and scores")
  ResponseEntity<Void> deleteEntity(@PathVariable String id) {
    trust.deleteEntity(tenant(), id);
    return ResponseEntity.noContent().build();
  }

  // Relationships

  record RelationshipsBody(@Nullable List<TrustService.EdgeInput> relationships) {}

  @PostMapping(path = "/relationships", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(
      summary = "Create relationships or replace their weights, all or none",
      description =
          "types: TRUSTS (a local rating, EigenTrust's s_ij), COLLABORATED_WITH, MEMBER_OF,"
              + " PRODUCED, TRAINED_ON, ATTESTED_BY. Both ends must exist; weights are finite and"
              + " not negative (default 1); no self-loops.")
  Map<String, Object> putRelationships(@RequestBody RelationshipsBody body) {
    var written =
        trust.putEdges(tenant(), body.relationships() == null ? List.of() : body.relationships());
    return Map.of("written", written.size());
  }

  @GetMapping("/entities/{id}/relationships")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "An entity's relationships, heaviest first (direction out, in or both)")
  List<Map<String, Object>> relationships(
      @PathVariable String id,
      @RequestParam(defaultValue = "both") String direction,
      @RequestParam(required = false) @Nullable String type,
      @RequestParam(required = false) @Nullable Integer limit) {
    trust.entity(tenant(), id);
    Direction d =
        switch (direction) {
          case "out" -> Direction.OUT;
          case "in" -> Direction.IN;
          case "both" -> Direction.BOTH;
          default -> throw TrustService.invalid("direction is out, in or both");
        };
    RelationType t = type == null ? null : TrustService.relationType(type, "type");
    return trust.store().edges(tenant(), id, d, t, limit(limit, 100, 1_000)).stream()
        .map(TrustViews::edge)
        .toList();
  }

  @DeleteMapping("/relationships")
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(summary = "Delete one relationship")
  ResponseEntity<Void> deleteRelationship(
      @RequestParam String source, @RequestParam String target, @RequestParam String type) {
    trust.deleteEdge(tenant(), source, target, type);
    return ResponseEntity.noContent().build();
  }

  // Evidence

  record EvidenceBody(@Nullable List<TrustService.EvidenceInput> evidence) {}

  @PostMapping(path = "/evidence", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(
      summary = "Record evidence about entities, all or none",
      description =
          "Each record: subject, optional source (the observing entity: its evidence is its local"
              + " trust in EigenTrust), kind, outcome positive or negative, weight (default 1),"
              + " observedAt (default now; never in the future), details.")
  Map<String, Object> evidence(@RequestBody EvidenceBody body) {
    var recorded =
        trust.appendEvidence(tenant(), body.evidence() == null ? List.of() : body.evidence());
    return Map.of(
        "recorded", recorded.size(), "ids", recorded.stream().map(e -> e.id().toString()).toList());
  }

  @GetMapping("/entities/{id}/evidence")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "Evidence about an entity, newest first")
  List<Map<String, Object>> evidenceAbout(
      @PathVariable String id, @RequestParam(required = false) @Nullable Integer limit) {
    trust.entity(tenant(), id);
    return trust.store().evidence(tenant(), id, limit(limit, 100, 1_000)).stream()
        .map(TrustViews::evidence)
        .toList();
  }

  // Computations and scores

  @PostMapping(path = "/computations")
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(
      summary = "Compute the tenant's scores and communities now",
      description =
          "Warm-started from the latest scores. Optional body: alpha, tolerance, resolution."
              + " Scores are also recomputed a few seconds after the graph changes.")
  Map<String, Object> compute(
      @RequestBody(required = false) TrustService.@Nullable ComputeInput body) {
    return TrustViews.computation(
        trust.compute(
            tenant(), body == null ? new TrustService.ComputeInput(null, null, null) : body));
  }

  @GetMapping("/computations")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "The latest computations, newest first")
  List<Map<String, Object>> computations(@RequestParam(required = false) @Nullable Integer limit) {
    return trust.store().computations(tenant(), limit(limit, 20, 500)).stream()
        .map(TrustViews::computation)
        .toList();
  }

  @GetMapping("/computations/latest")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "The latest computation, and whether the graph changed since")
  Map<String, Object> latest() {
    Map<String, Object> out = TrustViews.computation(trust.latest(tenant()));
    out.put("stale", trust.changedSinceComputation(tenant()));
    return out;
  }

  @GetMapping("/entities/{id}/score")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(
      summary = "An entity's scores in the latest computation",
      description =
          "eigentrust and sybilrank are times the number of entities (1 is the average);"
              + " reputation is the Beta expected value in [0, 1] with its uncertainty.")
  Map<String, Object> score(@PathVariable String id) {
    return TrustViews.score(trust.score(tenant(), id));
  }

  @GetMapping("/scores")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "The top entities by one score (kind eigentrust, sybilrank or reputation)")
  List<Map<String, Object>> top(
      @RequestParam(defaultValue = "eigentrust") String kind,
      @RequestParam(required = false) @Nullable String type,
      @RequestParam(required = false) @Nullable Integer top) {
    ScoreKind k =
        ScoreKind.parse(kind)
            .orElseThrow(() -> TrustService.invalid("kind: eigentrust, sybilrank or reputation"));
    EntityType t = type == null ? null : TrustService.entityType(type, "type");
    trust.latest(tenant());
    return trust.store().top(tenant(), k, t, limit(top, 10, 1_000)).stream()
        .map(TrustViews::score)
        .toList();
  }

  @GetMapping("/entities/{id}/history")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "An entity's scores in the kept computations, newest first")
  List<Map<String, Object>> history(
      @PathVariable String id, @RequestParam(required = false) @Nullable Integer limit) {
    trust.entity(tenant(), id);
    return trust.store().history(tenant(), id, limit(limit, 50, 10_000)).stream()
        .map(TrustViews::history)
        .toList();
  }

  @GetMapping("/entities/{id}/explanation")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(
      summary = "Why an entity has its scores",
      description =
          "The evidence behind its reputation; the sources of its EigenTrust (the pre-trusted"
              + " share and each rater's (1 − a) c_ij t_i, adding up to its score) and the paths"
              + " that carry most of it.")
  Map<String, Object> explain(
      @PathVariable String id,
      @RequestParam(defaultValue = "10") int top,
      @RequestParam(defaultValue = "4") int pathLength) {
    return trust.explain(tenant(), id, top, pathLength);
  }

  // Communities

  @GetMapping("/communities")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(
      summary = "The communities of one level of the Louvain hierarchy, largest first",
      description = "Level 0 is the finest; the last level the best partition.")
  List<Map<String, Object>> communities(
      @RequestParam(defaultValue = "0") int level,
      @RequestParam(required = false) @Nullable Integer limit) {
    var computation = trust.latest(tenant());
    if (level < 0
        || (computation.communityLevels() > 0 && level >= computation.communityLevels())) {
      throw TrustService.invalid(
          "level lies in 0.." + Math.max(0, computation.communityLevels() - 1));
    }
    return trust.store().communities(tenant(), level, limit(limit, 50, 1_000)).stream()
        .map(
            c -> {
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("level", c.level());
              out.put("community", c.community());
              out.put("size", c.size());
              out.put("sample", trust.store().members(tenant(), c.level(), c.community(), 10));
              return out;
            })
        .toList();
  }

  @GetMapping("/communities/{level}/{community}/members")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "The members of a community, by id")
  List<String> members(
      @PathVariable int level,
      @PathVariable int community,
      @RequestParam(required = false) @Nullable Integer limit) {
    trust.latest(tenant());
    return trust.store().members(tenant(), level, community, limit(limit, 1_000, 100_000));
  }

  @GetMapping("/entities/{id}/communities")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "An entity's community at each level, finest first")
  List<Map<String, Object>> communitiesOf(@PathVariable String id) {
    trust.entity(tenant(), id);
    return trust.store().memberships(tenant(), id).stream()
        .map(m -> Map.<String, Object>of("level", m.level(), "community", m.community()))
        .toList();
  }

  // Policies

  @PutMapping(path = "/policies/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(
      summary = "Store a trust policy: a minimum score for entities of some types",
      description =
          "Body: kind (eigentrust, sybilrank, reputation), minimum, entityTypes (empty: all)."
              + " The policy named federation-selection keeps clients below it out of federation"
              + " rounds.")
  Map<String, Object> putPolicy(
      @PathVariable String name, @RequestBody TrustService.PolicyInput body) {
    return TrustViews.policy(trust.putPolicy(tenant(), name, body));
  }

  @GetMapping("/policies")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "The tenant's trust policies")
  List<Map<String, Object>> policies() {
    return trust.store().policies(tenant()).stream().map(TrustViews::policy).toList();
  }

  @GetMapping("/policies/{name}")
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "A trust policy")
  Map<String, Object> policy(@PathVariable String name) {
    return TrustViews.policy(trust.policy(tenant(), name));
  }

  @DeleteMapping("/policies/{name}")
  @PreAuthorize("hasAuthority('trust:write')")
  @Audited
  @Operation(summary = "Delete a trust policy")
  ResponseEntity<Void> deletePolicy(@PathVariable String name) {
    trust.deletePolicy(tenant(), name);
    return ResponseEntity.noContent().build();
  }

  record CheckBody(@Nullable String entity) {}

  @PostMapping(path = "/policies/{name}/check", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('trust:read')")
  @Operation(summary = "Judge an entity by a policy: passed, its score, the minimum, the reason")
  TrustService.Verdict check(@PathVariable String name, @RequestBody CheckBody body) {
    return trust.check(tenant(), name, TrustService.id(body.entity(), "entity"));
  }
}
