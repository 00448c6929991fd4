package io.truststram.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Set;

/**
 * Binary request bodies that endpoints stream rather than buffer: model weights and updates ({@code
 * application/vnd.safetensors}) and upload chunks ({@code application/octet-stream}). The edge's
 * generic body limit and the Idempotency-Key filter leave them alone; the endpoints that take them
 * enforce their own, larger limits as they read and are idempotent by design (each upload has one
 * resource, written once).
 */
public final class StreamedBodies {

  /** The media type of safetensors bodies. */
  public static final String SAFETENSORS = "application/vnd.safetensors";

  private static final Set<String> STREAMED = Set.of(SAFETENSORS, "application/octet-stream");

  private StreamedBodies() {}

  /** Whether {@code request} carries a body its endpoint streams. */
  public static boolean isStreamed(HttpServletRequest request) {
    String type = request.getContentType();
    if (type == null || !request.getRequestURI().startsWith("/api/")) {
      return false;
    }
    int semicolon = type.indexOf(';');
    String mediaType = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
    return STREAMED.contains(mediaType.toLowerCase(Locale.ROOT));
  }
}
