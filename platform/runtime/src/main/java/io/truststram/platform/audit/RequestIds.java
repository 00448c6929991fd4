package io.truststram.platform.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/** The id every request is given ({@code X-Request-Id}), for the records it produces. */
public final class RequestIds {

  static final String ATTRIBUTE = RequestIds.class.getName();

  private RequestIds() {}

  /** The request's id, or null outside a request the audit filter saw. */
  public static @Nullable String of(HttpServletRequest request) {
    return request.getAttribute(ATTRIBUTE) instanceof String id ? id : null;
  }
}
