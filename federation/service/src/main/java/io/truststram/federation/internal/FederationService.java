package io.truststram.federation.internal;

import io.truststram.common.id.Uuids;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.federation.FederationProblems;
import io.truststram.federation.FederationStarted;
import io.truststram.federation.strategy.Strategies;
import io.truststram.identity.Tenants;
import io.truststram.ml.model.Classifiers;
import io.truststram.platform.security.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.annotation.Transactional;

/** Creates federations after checking that they can run, and moves them through their lifecycle. */
class FederationService {

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.federations");

  /**
   * The most parameters a federation's model may have (1.2 GB of float32; the coordinator holds
   * about five model-sized arrays at once, so its heap needs five times the model).
   */
  static final long MAX_PARAMETERS = 300_000_000L;

  private final FederationStore store;
  private final Participants participants;
  private final Nodes nodes;
  private final Tenants tenants;
  private final ApplicationEventPublisher events;
  private final Clock clock;
  private final Strategies strategies = Strategies.standard();

  /** Whether the trust service runs in this process (trust(S) may take its trust from it). */
  private final boolean trustService;

  FederationService(
      FederationStore store,
      Participants participants,
      Nodes nodes,
      Tenants tenants,
      ApplicationEventPublisher events,
      Clock clock,
      boolean trustService) {
    this.trustService = trustService;
    this.store = store;
    this.participants = participants;
    this.nodes = nodes;
    this.tenants = tenants;
    this.events = events;
    this.clock = clock;
  }

  /** Whether {@code caller} sees {@code federation} as its owner (rather than as a participant). */
  static boolean owns(Caller caller, FederationRecord federation) {
    return caller.canSee(federation.tenant());
  }

  /** What an owner asks for. */
  record Spec(
      String name,
      String modelKind,
      int modelInputs,
      int modelClasses,
      List<Integer> modelHidden,
      String strategy,
      Map<String, String> strategyParameters,
      int rounds,
      int clientsPerRound,
      int minClients,
      int roundTimeoutSeconds,
      long seed) {}

  FederationRecord create(Caller caller, TenantId tenant, Spec spec) {
    if (!caller.canSee(tenant)) {
      throw invalid("you may create federations in your own tenant only");
    }
    check(spec);
    Instant now = clock.instant();
    FederationRecord federation =
        new FederationRecord(
            Uuids.v7(),
            tenant,
            spec.name(),
            spec.strategy(),
            spec.strategyParameters(),
            spec.modelKind(),
            spec.modelInputs(),
            spec.modelClasses(),
            spec.modelHidden(),
            spec.rounds(),
            spec.clientsPerRound(),
            spec.minClients(),
            spec.roundTimeoutSeconds(),
            FederationRecord.State.CREATED,
            0,
            spec.seed(),
            null,
            null,
            caller.subject(),
            now,
            now);
    if (!store.insert(federation)) {
      throw new ProblemException(
          FederationProblems.NAME_TAKEN,
          "Your tenant already has a federation named '" + spec.name() + "'");
    }
    audit.info(
        "federation {} ({}) created in tenant {} by {}",
        federation.id(),
        spec.name(),
        tenant,
        caller.subject());
    return federation;
  }

  /**
   * A federation's privacy budget and what it has spent, when its strategy declares one.
   *
   * @param targetEpsilon the ε not to pass
   * @param delta the δ it is counted at
   * @param epsilonSpent the ε of the rounds opened so far (RDP accountant, classic conversion)
   * @param rounds the rounds counted
   * @param exhausted whether the federation stopped because the next round would pass it
   */
  record Privacy(
      double targetEpsilon, double delta, double epsilonSpent, int rounds, boolean exhausted) {}

  Optional<Privacy> privacy(FederationRecord federation) {
    if (!federation.strategyParameters().containsKey("target-epsilon")) {
      return Optional.empty();
    }
    var dp =
        io.truststram.federation.strategy.Wrapper.find(
                strategies.create(
                    federation.strategy(),
                    io.truststram.federation.secagg.SecureAggregation.strategyOnly(
                        federation.strategyParameters())),
                io.truststram.federation.strategy.DifferentialPrivacy.class)
            .orElse(null);
    if (dp == null || dp.budget() == null) {
      return Optional.empty();
    }
    var spent = store.privacy(federation.id());
    return Optional.of(
        new Privacy(
            dp.budget().epsilon(),
            dp.budget().delta(),
            spent.map(FederationStore.PrivacySpent::epsilon).orElse(0.0),
            spent.map(FederationStore.PrivacySpent::rounds).orElse(0),
            spent.map(p -> p.exhaustedAt() != null).orElse(false)));
  }

  /**
   * The federation {@code id}, when the caller's tenant owns it or takes part in it (invited or
   * active): the one grant across tenants.
   */
  FederationRecord find(Caller caller, UUID id) {
    Optional<Nodes.Node> node = nodeOf(caller);
    return store
        .find(id)
        .filter(f -> node.isEmpty() || node.get().federationId().equals(id))
        .filter(f -> owns(caller, f) || participants.canSee(id, caller.tenant()))
        .orElseThrow(() -> notFound(id.toString()));
  }

  /**
   * The client node the caller is, when it authenticates with a node's own credentials: those act
   * for that node in its federation only, never for the rest of its tenant.
   */
  Optional<Nodes.Node> nodeOf(Caller caller) {
    return nodes.byClientId(caller.clientId()).filter(n -> n.tenant().equals(caller.tenant()));
  }

  private void refuseNodes(Caller caller, String what) {
    if (nodeOf(caller).isPresent()) {
      throw new ProblemException(
          io.truststram.common.problem.ProblemTypes.FORBIDDEN,
          "a client node's credentials act for the node only; they cannot " + what);
    }
  }

  /**
   * The federations the caller's tenant owns or takes part in; a platform-admin's: all, or one
   * tenant's.
   */
  Page<FederationRecord> list(Caller caller, @Nullable TenantId tenant, PageRequest request) {
    if (caller.isPlatformAdmin()) {
      return store.list(tenant, request);
    }
    Optional<Nodes.Node> node = nodeOf(caller);
    if (node.isPresent()) {
      return new Page<>(
          store
              .find(node.get().federationId())
              .filter(f -> owns(caller, f) || participants.canSee(f.id(), caller.tenant()))
              .map(List::of)
              .orElse(List.of()),
          null);
    }
    if (tenant != null && !caller.canSee(tenant)) {
      return new Page<>(List.of(), null);
    }
    return store.listVisible(caller.tenant(), request);
  }

  /** The owner invites {@code invitee}, another tenant, to take part. */
  Participants.Participant invite(Caller caller, UUID id, TenantId invitee) {
    FederationRecord federation = requireOwner(caller, id, "invite tenants");
    if (invitee.equals(federation.tenant())) {
      throw participation("the owner tenant cannot be invited to its own federation");
    }
    if (tenants.find(invitee).isEmpty()) {
      throw invalid("no tenant has id '" + invitee + "'");
    }
    if (federation.state() != FederationRecord.State.CREATED
        && federation.state() != FederationRecord.State.RUNNING) {
      throw participation("federation '" + federation.name() + "' has ended");
    }
    if (!participants.invite(id, invitee, caller.subject(), clock.instant())) {
      throw participation("tenant " + invitee + " is already invited to or in this federation");
    }
    audit.info("tenant {} invited to federation {} by {}", invitee, id, caller.subject());
    return participants.find(id, invitee).orElseThrow();
  }

  /** The caller's tenant accepts its invitation. */
  Participants.Participant join(Caller caller, UUID id) {
    refuseNodes(caller, "join federations");
    FederationRecord federation = find(caller, id);
    if (federation.state() != FederationRecord.State.CREATED
        && federation.state() != FederationRecord.State.RUNNING) {
      throw participation("federation '" + federation.name() + "' has ended");
    }
    if (!participants.move(
        id,
        caller.tenant(),
        Participants.State.INVITED,
        Participants.State.ACTIVE,
        caller.subject(),
        clock.instant())) {
      throw participation("your tenant has no open invitation to this federation");
    }
    audit.info("tenant {} joined federation {} ({})", caller.tenant(), id, caller.subject());
    return participants.find(id, caller.tenant()).orElseThrow();
  }

  /** The caller's tenant leaves (or declines); it sees the federation no more. */
  void leave(Caller caller, UUID id) {
    refuseNodes(caller, "leave federations");
    find(caller, id);
    Instant now = clock.instant();
    boolean left =
        participants.move(
                id,
                caller.tenant(),
                Participants.State.ACTIVE,
                Participants.State.LEFT,
                caller.subject(),
                now)
            || participants.move(
                id,
                caller.tenant(),
                Participants.State.INVITED,
                Participants.State.LEFT,
                caller.subject(),
                now);
    if (!left) {
      throw participation("your tenant does not take part in this federation");
    }
    audit.info("tenant {} left federation {} ({})", caller.tenant(), id, caller.subject());
  }

  /** The owner sees every participant; a participant only its own entry. */
  List<Participants.Participant> participants(Caller caller, UUID id) {
    FederationRecord federation = find(caller, id);
    List<Participants.Participant> all = participants.of(id);
    return owns(caller, federation)
        ? all
        : all.stream().filter(p -> p.tenant().equals(caller.tenant())).toList();
  }

  FederationRecord requireOwner(Caller caller, UUID id, String what) {
    FederationRecord federation = find(caller, id);
    if (!owns(caller, federation)) {
      throw new ProblemException(
          FederationProblems.OWNER_ONLY,
          "Only the tenant that owns federation '" + federation.name() + "' may " + what);
    }
    return federation;
  }

  static ProblemException participation(String detail) {
    return new ProblemException(FederationProblems.PARTICIPATION_CONFLICT, detail);
  }

  /** The provenance of a completed federation's final model; empty before it completed. */
  Map<String, String> provenance(FederationRecord federation) {
    return store
        .provenance(federation.id())
        .map(
            json ->
                tools.jackson.databind.json.JsonMapper.builder()
                    .build()
                    .readValue(
                        json, new tools.jackson.core.type.TypeReference<Map<String, String>>() {}))
        .orElse(Map.of());
  }

  @Transactional
  FederationRecord start(Caller caller, UUID id) {
    FederationRecord federation = requireOwner(caller, id, "start it");
    Instant now = clock.instant();
    if (!store.transition(
        id, List.of(FederationRecord.State.CREATED), FederationRecord.State.RUNNING, now)) {
      throw conflict(federation, "started");
    }
    events.publishEvent(
        new FederationStarted(
            id, federation.tenant(), federation.strategy(), federation.rounds(), now));
    audit.info("federation {} started by {}", id, caller.subject());
    return store.find(id).orElseThrow();
  }

  FederationRecord cancel(Caller caller, UUID id) {
    FederationRecord federation = requireOwner(caller, id, "cancel it");
    if (!store.transition(
        id,
        List.of(FederationRecord.State.CREATED, FederationRecord.State.RUNNING),
        FederationRecord.State.CANCELLED,
        clock.instant())) {
      throw conflict(federation, "cancelled");
    }
    audit.info("federation {} cancelled by {}", id, caller.subject());
    return store.find(id).orElseThrow();
  }

  /** Refuses a configuration that cannot run, naming what is wrong. */
  private void check(Spec spec) {
    if (spec.minClients() > spec.clientsPerRound()) {
      throw invalid(
          "minClients ("
              + spec.minClients()
              + ") cannot exceed clientsPerRound ("
              + spec.clientsPerRound()
              + ")");
    }
    int stored =
        tools.jackson.databind.json.JsonMapper.builder()
            .build()
            .writeValueAsString(spec.strategyParameters())
            .length();
    if (stored > 4000) {
      throw invalid(
          "the strategy's and secure aggregation's parameters take "
              + stored
              + " characters; at most 4000");
    }
    for (String sampling : List.of("fraction", "min-clients")) {
      if (spec.strategyParameters().containsKey(sampling)) {
        throw invalid(
            "a federation chooses its clients with clientsPerRound and minClients; remove the"
                + " strategy parameter '"
                + sampling
                + "'");
      }
    }
    try {
      long parameters =
          Classifiers.parameterCount(
              spec.modelKind(), spec.modelInputs(), spec.modelClasses(), spec.modelHidden());
      if (parameters > MAX_PARAMETERS) {
        throw new IllegalArgumentException(
            "the model would have " + parameters + " parameters; at most " + MAX_PARAMETERS);
      }
      var strategy =
          strategies.create(
              spec.strategy(),
              io.truststram.federation.secagg.SecureAggregation.strategyOnly(
                  spec.strategyParameters()));
      var secure =
          io.truststram.federation.secagg.SecureAggregation.from(spec.strategyParameters());
      if (secure.isPresent()) {
        io.truststram.federation.secagg.SecureAggregation.requireCompatible(strategy);
        secure.get().requireRounds(spec.minClients(), spec.clientsPerRound(), (int) parameters);
      }
      var external =
          io.truststram.federation.strategy.Wrapper.find(
                  strategy, io.truststram.federation.strategy.TrustWeighted.class)
              .filter(io.truststram.federation.strategy.TrustWeighted::externalTrust);
      if (external.isPresent() && !trustService) {
        throw new IllegalArgumentException(
            "trust-source service needs the trust service in the coordinator's process"
                + " (truststram.services with trust, or all)");
      }
      if (spec.minClients() < strategy.minimumUpdates()) {
        throw new IllegalArgumentException(
            spec.strategy()
                + " needs at least "
                + strategy.minimumUpdates()
                + " updates a round to tolerate its f; minClients is "
                + spec.minClients());
      }
      if (strategy instanceof io.truststram.federation.strategy.FedBuffStrategy fedBuff
          && fedBuff.bufferSize() > spec.clientsPerRound()) {
        throw new IllegalArgumentException(
            "fedbuff's buffer-size ("
                + fedBuff.bufferSize()
                + ") cannot exceed clientsPerRound ("
                + spec.clientsPerRound()
                + "), the most nodes training at once");
      }
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(FederationProblems.INVALID_FEDERATION, detail);
  }

  private static ProblemException conflict(FederationRecord federation, String verb) {
    return new ProblemException(
        FederationProblems.ILLEGAL_TRANSITION,
        "Federation '" + federation.name() + "' cannot be " + verb + " in its current state");
  }

  static ProblemException notFound(String id) {
    String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
    return new ProblemException(
        FederationProblems.FEDERATION_NOT_FOUND, "No federation has id '" + shown + "'");
  }
}
