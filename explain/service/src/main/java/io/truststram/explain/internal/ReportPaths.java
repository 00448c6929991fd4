package io.truststram.explain.internal;

import io.truststram.common.tenant.TenantId;
import java.util.UUID;

/** Where a compliance report's files are kept in the blob store. */
final class ReportPaths {

  private ReportPaths() {}

  static String prefix(TenantId tenant, UUID report) {
    return "explain/" + tenant.value() + "/reports/" + report;
  }

  static String html(TenantId tenant, UUID report) {
    return prefix(tenant, report) + "/report.html";
  }

  static String pdf(TenantId tenant, UUID report) {
    return prefix(tenant, report) + "/report.pdf";
  }
}
