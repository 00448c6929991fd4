package io.truststram.audit;

/** The audit trail on the embedded database. */
class AuditTrailIntegrationTest extends AuditTrailContract {}
