package io.truststram.audit.internal;

/** An append could not be made durable; the caller must not take it as recorded. */
final class AuditUnavailableException extends RuntimeException {
  AuditUnavailableException(String message) {
    super(message);
  }
}
