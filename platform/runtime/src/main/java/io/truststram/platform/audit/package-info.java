/**
 * What every service gives the audit trail: {@link io.truststram.platform.audit.AuditRecord}, the
 * event each state-changing request and each refused one publishes, and {@link
 * io.truststram.platform.audit.NotAudited} for the POST endpoints that change nothing.
 */
@NullMarked
@NamedInterface("audit")
package io.truststram.platform.audit;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
