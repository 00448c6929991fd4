package io.truststram.identity.internal.tenant;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenant;
import io.truststram.identity.TenantProblems;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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

/** REST API of tenancy: {@code /api/v1/tenants}. */
@RestController
@RequestMapping(path = "/api/v1/tenants", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Tenants", description = "Organisations that own data in TrustStram")
class TenantController {

  private final Tenants tenants;

  TenantController(Tenants tenants) {
    this.tenants = tenants;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('tenant:create')")
  @Operation(summary = "Create a tenant (platform-admin)")
  ResponseEntity<TenantView> create(
      @Valid @RequestBody CreateTenantRequest body, UriComponentsBuilder uri) {
    Tenant tenant = tenants.create(new NewTenant(body.slug(), body.name()));
    return ResponseEntity.created(
            uri.path("/api/v1/tenants/{id}").buildAndExpand(tenant.id().toString()).toUri())
        .body(TenantView.of(tenant));
  }

  @GetMapping
  @PreAuthorize("hasAuthority('tenant:read')")
  @Operation(
      summary = "List tenants in creation order, a page at a time",
      description = "A platform-admin sees every tenant; anyone else sees only their own.")
  TenantPage list(
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    PageRequest request = PageRequest.of(limit, cursor);
    Caller caller = CurrentPrincipal.require();
    if (!caller.isPlatformAdmin()) {
      List<TenantView> own =
          request.after() == null
              ? tenants.find(caller.tenant()).map(TenantView::of).stream().toList()
              : List.of();
      return new TenantPage(own, null);
    }
    Page<TenantView> page = tenants.list(request).map(TenantView::of);
    return new TenantPage(page.items(), page.nextCursor());
  }

  @GetMapping("/{id}")
  @PreAuthorize("hasAuthority('tenant:read')")
  @Operation(summary = "Get a tenant by id (your own, or any as platform-admin)")
  TenantView get(@PathVariable String id) {
    TenantId tenantId;
    try {
      tenantId = TenantId.parse(id);
    } catch (IllegalArgumentException e) {
      throw notFound(id);
    }
    if (!CurrentPrincipal.require().canSee(tenantId)) {
      throw notFound(id);
    }
    return tenants.find(tenantId).map(TenantView::of).orElseThrow(() -> notFound(id));
  }

  private static ProblemException notFound(String id) {
    String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
    return new ProblemException(
        TenantProblems.TENANT_NOT_FOUND, "No tenant has id '" + shown + "'");
  }

  /** The body of {@code POST /api/v1/tenants}. */
  record CreateTenantRequest(
      @NotNull @Pattern(regexp = NewTenant.SLUG_REGEX, message = NewTenant.SLUG_RULE) String slug,
      @NotNull @Size(min = 1, max = NewTenant.MAX_NAME_LENGTH, message = NewTenant.NAME_RULE) @Pattern(regexp = NewTenant.NAME_REGEX, message = NewTenant.NAME_RULE) String name) {}

  /** A tenant as the API shows it. */
  record TenantView(String id, String slug, String name, String status, Instant createdAt) {
    static TenantView of(Tenant tenant) {
      return new TenantView(
          tenant.id().toString(),
          tenant.slug(),
          tenant.name(),
          tenant.status().name().toLowerCase(Locale.ROOT),
          tenant.createdAt());
    }
  }

  /** One page of tenants. */
  record TenantPage(List<TenantView> items, @Nullable String nextCursor) {}
}
