package io.truststram.federation.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** REST API of federations: {@code /api/v1/federations}. */
@RestController
@RequestMapping(path = "/api/v1/federations", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Federations", description = "Federated-learning jobs and their lifecycle")
class FederationController {

  private final FederationService federations;
  private final Coordinator coordinator;

  FederationController(FederationService federations, Coordinator coordinator) {
    this.federations = federations;
    this.coordinator = coordinator;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('federation:create')")
  @Operation(
      summary = "Create a federation in your tenant",
      description =
          "Checks that it can run: a known strategy with parameters it accepts, a model of at most"
              + " 300 million parameters, minClients no more than clientsPerRound.")
  ResponseEntity<FederationView> create(
      @Valid @RequestBody CreateFederationRequest body, UriComponentsBuilder uri) {
    Caller caller = CurrentPrincipal.require();
    TenantId tenant = body.tenantId() == null ? caller.tenant() : parseTenant(body.tenantId());
    FederationRecord created =
        federations.create(
            caller,
            tenant,
            new FederationService.Spec(
                body.name().strip(),
                body.model().kind(),
                body.model().inputs(),
                body.model().classes(),
                body.model().hidden() == null ? List.of() : body.model().hidden(),
                body.strategy().name(),
                withSecureAggregation(body.strategy(), body.secureAggregation()),
                body.rounds(),
                body.clientsPerRound(),
                body.minClients(),
                body.roundTimeoutSeconds() == null ? 600 : body.roundTimeoutSeconds(),
                body.seed() == null
                    ? java.util.concurrent.ThreadLocalRandom.current().nextLong()
                    : body.seed()));
    return ResponseEntity.created(
            uri.path("/api/v1/federations/{id}").buildAndExpand(created.id().toString()).toUri())
        .body(view(created, caller));
  }

  @GetMapping
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(summary = "List your tenant's federations in creation order, a page at a time")
  FederationPage list(
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor,
      @RequestParam(required = false) @Nullable String tenantId) {
    Page<FederationView> page =
        federations
            .list(
                CurrentPrincipal.require(),
                tenantId == null ? null : parseTenant(tenantId),
                PageRequest.of(limit, cursor))
            .map(f -> view(f, CurrentPrincipal.require()));
    return new FederationPage(page.items(), page.nextCursor());
  }

  @GetMapping("/{id}")
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(summary = "Get a federation")
  FederationView get(@PathVariable String id) {
    Caller caller = CurrentPrincipal.require();
    return view(federations.find(caller, parseId(id)), caller);
  }

  @PostMapping("/{id}/start")
  @PreAuthorize("hasAuthority('federation:manage')")
  @Operation(summary = "Start a created federation (created -> running)")
  FederationView start(@PathVariable String id) {
    Caller caller = CurrentPrincipal.require();
    FederationRecord started = federations.start(caller, parseId(id));
    // Committed: the coordinator picks it up now rather than at its next tick.
    coordinator.wake(started.id());
    return view(started, caller);
  }

  @PostMapping("/{id}/cancel")
  @PreAuthorize("hasAuthority('federation:manage')")
  @Operation(summary = "Cancel a created or running federation")
  FederationView cancel(@PathVariable String id) {
    Caller caller = CurrentPrincipal.require();
    return view(federations.cancel(caller, parseId(id)), caller);
  }

  @PostMapping(path = "/{id}/participants", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('federation:manage')")
  @Operation(
      summary = "Invite another tenant to take part (owner only)",
      description =
          "The invitation is a grant: the invited tenant's users and client nodes see this"
              + " federation, and nothing else of the owner's.")
  ResponseEntity<ParticipantView> invite(
      @PathVariable String id, @Valid @RequestBody InviteRequest body, UriComponentsBuilder uri) {
    Participants.Participant participant =
        federations.invite(CurrentPrincipal.require(), parseId(id), parseTenant(body.tenantId()));
    return ResponseEntity.created(
            uri.path("/api/v1/federations/{id}/participants").buildAndExpand(id).toUri())
        .body(ParticipantView.of(participant, true));
  }

  @GetMapping("/{id}/participants")
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(
      summary = "The participant tenants: all of them for the owner, its own for a participant")
  List<ParticipantView> participants(@PathVariable String id) {
    Caller caller = CurrentPrincipal.require();
    UUID federation = parseId(id);
    boolean owner = FederationService.owns(caller, federations.find(caller, federation));
    return federations.participants(caller, federation).stream()
        .map(p -> ParticipantView.of(p, owner))
        .toList();
  }

  @PostMapping("/{id}/join")
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(summary = "Accept your tenant's invitation")
  ParticipantView join(@PathVariable String id) {
    return ParticipantView.of(federations.join(CurrentPrincipal.require(), parseId(id)), false);
  }

  @PostMapping("/{id}/leave")
  @PreAuthorize("hasAuthority('federation:participate')")
  @Operation(summary = "Leave the federation, or decline the invitation")
  ResponseEntity<Void> leave(@PathVariable String id) {
    federations.leave(CurrentPrincipal.require(), parseId(id));
    return ResponseEntity.noContent().build();
  }

  /** The body of an invitation. */
  record InviteRequest(@NotBlank @Size(max = 64) String tenantId) {}

  /**
   * A participant tenant as the API shows it; who in the owner's tenant invited it is shown to the
   * owner only.
   */
  record ParticipantView(
      String tenantId,
      String state,
      @Nullable String invitedBy,
      Instant invitedAt,
      @Nullable Instant joinedAt,
      @Nullable Instant leftAt) {
    static ParticipantView of(Participants.Participant p, boolean forOwner) {
      return new ParticipantView(
          p.tenant().toString(),
          p.state().name().toLowerCase(Locale.ROOT),
          forOwner ? p.invitedBy() : null,
          p.invitedAt(),
          p.joinedAt(),
          p.leftAt());
    }
  }

  static UUID parseId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw FederationService.notFound(id);
    }
  }

  private static TenantId parseTenant(String id) {
    try {
      return TenantId.parse(id);
    } catch (IllegalArgumentException e) {
      throw new io.truststram.common.problem.ProblemException(
          io.truststram.federation.FederationProblems.INVALID_FEDERATION,
          "tenantId is not a tenant id: '" + (id.length() > 64 ? id.substring(0, 64) : id) + "'");
    }
  }

  /** The body of {@code POST /api/v1/federations}. */
  record CreateFederationRequest(
      @NotBlank @Size(max = 200) @Pattern(
              regexp = "[\\p{L}\\p{N} ._:()/-]+",
              message = "letters, digits, spaces and . _ : ( ) / - only")
          String name,
      @NotNull @Valid ModelSpec model,
      @NotNull @Valid StrategySpec strategy,
      @Min(1) @Max(100_000) int rounds,
      @Min(1) @Max(100_000) int clientsPerRound,
      @Min(1) @Max(100_000) int minClients,
      @Nullable @Min(10) @Max(86_400) Integer roundTimeoutSeconds,
      @Nullable Long seed,
      @Nullable String tenantId,
      @Nullable @Valid SecureAggregationSpec secureAggregation) {}

  /**
   * Secure aggregation: {@code secagg+} (SecAgg+, a k-regular graph) or {@code secagg} (the
   * complete graph), with the {@code secagg.*} settings without their prefix (shares, threshold,
   * range, levels, modulus-bits, weighting, max-weight, clip-norm, noise-multiplier, min-survivors,
   * kem, stage-timeout).
   */
  record SecureAggregationSpec(
      @NotNull @Pattern(regexp = "secagg\\+|secagg|paillier", message = "secagg+, secagg or paillier") String protocol,
      @Nullable @Size(max = 20) Map<@NotNull @Size(max = 64) String, @NotNull @Size(max = 1400) String> parameters) {

    /** The secure aggregation written among a federation's strategy parameters, if any. */
    static @Nullable SecureAggregationSpec of(Map<String, String> strategyParameters) {
      String protocol =
          strategyParameters.get(io.truststram.federation.secagg.SecureAggregation.KEY);
      if (protocol == null) {
        return null;
      }
      Map<String, String> settings = new java.util.TreeMap<>();
      strategyParameters.forEach(
          (key, value) -> {
            if (key.startsWith(io.truststram.federation.secagg.SecureAggregation.PREFIX)) {
              settings.put(
                  key.substring(io.truststram.federation.secagg.SecureAggregation.PREFIX.length()),
                  value);
            }
          });
      return new SecureAggregationSpec(protocol, settings);
    }
  }

  /**
   * The strategy's parameters with secure aggregation's among them, as they are stored; a strategy
   * parameter may not claim secure aggregation's names.
   */
  private static Map<String, String> withSecureAggregation(
      StrategySpec strategy, @Nullable SecureAggregationSpec secure) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (strategy.parameters() != null) {
      strategy
          .parameters()
          .forEach(
              (key, value) -> {
                if (key.equals(io.truststram.federation.secagg.SecureAggregation.KEY)
                    || key.startsWith(io.truststram.federation.secagg.SecureAggregation.PREFIX)) {
                  throw new io.truststram.common.problem.ProblemException(
                      io.truststram.federation.FederationProblems.INVALID_FEDERATION,
                      "secure aggregation is configured in secureAggregation, not as the strategy"
                          + " parameter '"
                          + key
                          + "'");
                }
                out.put(key, value);
              });
    }
    if (secure != null) {
      out.put(io.truststram.federation.secagg.SecureAggregation.KEY, secure.protocol());
      if (secure.parameters() != null) {
        secure
            .parameters()
            .forEach(
                (key, value) ->
                    out.put(io.truststram.federation.secagg.SecureAggregation.PREFIX + key, value));
      }
    }
    return out;
  }

  /** The model of a federation. */
  record ModelSpec(
      @NotNull @Pattern(regexp = "logistic|softmax|mlp", message = "logistic, softmax or mlp") String kind,
      @Min(1) @Max(10_000_000) int inputs,
      @Min(2) @Max(100_000) int classes,
      @Nullable @Size(max = 8) List<@NotNull @Min(1) @Max(65_536) Integer> hidden) {}

  /** The strategy of a federation: a registry name and its parameters. */
  record StrategySpec(
      @NotNull @Pattern(
              regexp = "[a-z0-9][a-z0-9()-]{0,63}",
              message = "a strategy name, e.g. fedavg or dp(krum)")
          String name,
      @Nullable @Size(max = 50) Map<@NotNull @Size(max = 64) String, @NotNull @Size(max = 200) String> parameters) {}

  /**
   * A federation as the API shows it; {@code relation} says whether the caller's tenant owns it or
   * takes part in it.
   */
  record FederationView(
      String id,
      String tenantId,
      String relation,
      String name,
      ModelSpec model,
      StrategySpec strategy,
      int rounds,
      int clientsPerRound,
      int minClients,
      int roundTimeoutSeconds,
      String state,
      int currentRound,
      long seed,
      @Nullable String modelSha256,
      @Nullable String failure,
      @Nullable String createdBy,
      Instant createdAt,
      Instant updatedAt,
      FederationService.@Nullable Privacy privacy,
      @Nullable SecureAggregationSpec secureAggregation) {
    static FederationView of(
        FederationRecord f, Caller caller, FederationService.@Nullable Privacy privacy) {
      return new FederationView(
          f.id().toString(),
          f.tenant().toString(),
          FederationService.owns(caller, f) ? "owner" : "participant",
          f.name(),
          new ModelSpec(f.modelKind(), f.modelInputs(), f.modelClasses(), f.modelHidden()),
          new StrategySpec(
              f.strategy(),
              io.truststram.federation.secagg.SecureAggregation.strategyOnly(
                  f.strategyParameters())),
          f.rounds(),
          f.clientsPerRound(),
          f.minClients(),
          f.roundTimeoutSeconds(),
          f.state().name().toLowerCase(Locale.ROOT),
          f.currentRound(),
          f.seed(),
          f.modelSha256(),
          f.failure(),
          // Who in the owner's tenant created it is the owner's business.
          FederationService.owns(caller, f) ? f.createdBy() : null,
          f.createdAt(),
          f.updatedAt(),
          privacy,
          SecureAggregationSpec.of(f.strategyParameters()));
    }
  }

  /** The view of {@code federation}, with its privacy budget when it declares one. */
  private FederationView view(FederationRecord federation, Caller caller) {
    return FederationView.of(federation, caller, federations.privacy(federation).orElse(null));
  }

  /** One page of federations. */
  record FederationPage(List<FederationView> items, @Nullable String nextCursor) {}
}
