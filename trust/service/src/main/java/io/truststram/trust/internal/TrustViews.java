package io.truststram.trust.internal;

import io.truststram.trust.internal.TrustGraphStore.Computation;
import io.truststram.trust.internal.TrustGraphStore.Edge;
import io.truststram.trust.internal.TrustGraphStore.Entity;
import io.truststram.trust.internal.TrustGraphStore.EntityType;
import io.truststram.trust.internal.TrustGraphStore.Evidence;
import io.truststram.trust.internal.TrustGraphStore.HistoryPoint;
import io.truststram.trust.internal.TrustGraphStore.Policy;
import io.truststram.trust.internal.TrustGraphStore.Score;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON forms of the trust graph's records, as the REST API and the SDK read them. */
final class TrustViews {

  private TrustViews() {}

  static Map<String, Object> entity(Entity e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", e.id());
    out.put("type", e.type().wire());
    out.put("name", e.name());
    out.put("attributes", e.attributes());
    out.put("pretrusted", e.pretrusted());
    out.put("createdAt", e.createdAt());
    out.put("updatedAt", e.updatedAt());
    return out;
  }

  static Map<String, Object> edge(Edge e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", e.source());
    out.put("target", e.target());
    out.put("type", e.type().name());
    out.put("weight", e.weight());
    out.put("updatedAt", e.updatedAt());
    return out;
  }

  static Map<String, Object> evidence(Evidence e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", e.id());
    out.put("subject", e.subject());
    out.put("source", e.source());
    out.put("kind", e.kind());
    out.put("outcome", e.positive() ? "positive" : "negative");
    out.put("weight", e.weight());
    out.put("observedAt", e.observedAt());
    out.put("recordedAt", e.recordedAt());
    out.put("details", e.details());
    return out;
  }

  static Map<String, Object> score(Score s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entity", s.entity());
    out.put("type", s.type().wire());
    out.put("eigentrust", s.eigentrust());
    out.put("sybilrank", s.sybilrank());
    out.put("reputation", s.reputation());
    out.put("uncertainty", s.uncertainty());
    out.put("positive", s.positive());
    out.put("negative", s.negative());
    return out;
  }

  static Map<String, Object> history(HistoryPoint h) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("computation", h.computation());
    out.put("computedAt", h.computedAt());
    out.putAll(score(h.score()));
    out.remove("entity");
    out.remove("type");
    return out;
  }

  static Map<String, Object> computation(Computation c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", c.id());
    out.put("sequence", c.sequence());
    out.put("computedAt", c.computedAt());
    out.put("entities", c.entities());
    out.put("relationships", c.edges());
    out.put("evidence", c.evidence());
    out.put("iterations", c.iterations());
    out.put("warmStart", c.warmStart());
    out.put("alpha", c.alpha());
    out.put("communityLevels", c.communityLevels());
    out.put("modularity", c.modularity());
    out.put("communitiesFrom", c.communitiesFrom());
    out.put("millis", c.millis());
    return out;
  }

  static Map<String, Object> policy(Policy p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", p.name());
    out.put("kind", p.kind().wire());
    out.put("minimum", p.minimum());
    out.put("entityTypes", p.entityTypes().stream().map(EntityType::wire).sorted().toList());
    out.put("updatedAt", p.updatedAt());
    return out;
  }
}
