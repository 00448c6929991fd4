/**
 * HTTP edge rules shared by every service: RFC 9457 problem documents and request body limits.
 * Exposed so that servlet filters in service modules (the gateway's) answer with the same problem
 * documents as controllers, through {@link io.truststram.platform.web.ProblemResponses}.
 */
@NullMarked
@NamedInterface("web")
package io.truststram.platform.web;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
