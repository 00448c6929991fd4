package io.truststram.platform.idempotency;

import org.jspecify.annotations.Nullable;

/**
 * The part of a response that is replayed for a repeated request.
 *
 * @param status the HTTP status
 * @param contentType its Content-Type, if any
 * @param location its Location header, if any
 * @param body the body bytes
 */
public record StoredResponse(
    int status, @Nullable String contentType, @Nullable String location, byte[] body) {}
