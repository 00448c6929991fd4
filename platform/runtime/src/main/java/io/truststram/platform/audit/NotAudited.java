package io.truststram.platform.audit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a POST (or other non-GET) endpoint whose successful calls are not recorded as requests: an
 * operation that changes no state (an encryption, a signature), or one that records itself (an
 * append to the audit log). Refused calls (401, 403) and failed ones are recorded all the same.
 * Services that want such calls on record publish their own, sampled, events.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NotAudited {}
