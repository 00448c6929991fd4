package io.truststram.federation.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.federation.FederationProblems;
import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.PrivacyLedger;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A data owner's privacy budget across every federation its nodes take part in: {@code
 * /api/v1/privacy/budget}, for the caller's tenant.
 */
@RestController
@RequestMapping(path = "/api/v1/privacy/budget", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Privacy", description = "A data owner's differential-privacy budget")
class PrivacyBudgetController {

  private static final double DEFAULT_DELTA = 1e-5;

  private final FederationStore store;
  private final Clock clock;

  PrivacyBudgetController(FederationStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * A tenant's privacy budget.
   *
   * @param epsilonCap the ε its data may not pass across federations; null: no cap
   * @param delta the δ spending is counted at
   * @param epsilonSpent what the private rounds its nodes were eligible for have spent (RDP
   *     accountant, classic conversion, composed across federations)
   * @param rounds those rounds
   */
  record BudgetView(
      String tenantId,
      @Nullable Double epsilonCap,
      double delta,
      double epsilonSpent,
      int rounds,
      @Nullable Instant updatedAt) {}

  /** The cap to set: null removes it. */
  record BudgetRequest(@Nullable Double epsilonCap, @NotNull Double delta) {}

  @GetMapping
  @PreAuthorize("hasAuthority('federation:read')")
  @Operation(summary = "Your tenant's privacy spending across federations, and its cap")
  BudgetView get() {
    TenantId tenant = CurrentPrincipal.require().tenant();
    return store
        .tenantPrivacy(tenant)
        .map(
            p ->
                new BudgetView(
                    tenant.value().toString(),
                    p.epsilonCap(),
                    p.delta(),
                    p.epsilonSpent(),
                    p.rounds(),
                    p.updatedAt()))
        .orElse(new BudgetView(tenant.value().toString(), null, DEFAULT_DELTA, 0, 0, null));
  }

  @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('policy:manage')")
  @Transactional
  @Operation(
      summary = "Cap your tenant's privacy spending across federations",
      description =
          "Your nodes are then kept out of any round that would bring your total epsilon above"
              + " the cap, and out of federations without differential privacy. A cap below what"
              + " is already spent is allowed: it stops further spending.")
  BudgetView put(@Valid @RequestBody BudgetRequest body) {
    TenantId tenant = CurrentPrincipal.require().tenant();
    Double cap = body.epsilonCap();
    if (cap != null && (!(cap > 0) || cap.isInfinite())) {
      throw new ProblemException(
          FederationProblems.INVALID_FEDERATION, "epsilonCap must be positive, not " + cap);
    }
    double delta = body.delta();
    if (!(delta > 0 && delta < 1)) {
      throw new ProblemException(
          FederationProblems.INVALID_FEDERATION, "delta must be in (0, 1), not " + delta);
    }
    var existing = store.tenantPrivacy(tenant);
    double spent =
        existing
            .filter(p -> p.rounds() > 0)
            .map(
                p ->
                    PrivacyLedger.restore(p.rdp(), p.rounds())
                        .spent(delta, Conversion.CLASSIC)
                        .epsilon())
            .orElse(0.0);
    store.saveTenantCap(tenant, cap, delta, PrivacyLedger.empty().rdp(), spent, clock.instant());
    return get();
  }
}
