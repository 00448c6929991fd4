package io.truststram.platform.idempotency;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of a response that is replayed for a repeated request.
 *
 * @param status the HTTP status
 * @param headers the headers to replay, in order (see {@link IdempotencyFilter#REPLAYED_HEADERS})
 * @param body the body bytes
 */
public record StoredResponse(int status, List<Header> headers, byte[] body) {

  public StoredResponse {
    headers = List.copyOf(headers);
  }

  /** One header line. Names and values never contain line breaks (RFC 9110, section 5.5). */
  public record Header(String name, String value) {}

  /** The headers as stored: one {@code Name: value} per line. */
  String encodedHeaders() {
    StringBuilder text = new StringBuilder();
    for (Header header : headers) {
      text.append(header.name()).append(": ").append(header.value()).append('\n');
    }
    return text.toString();
  }

  /** Reads headers written by {@link #encodedHeaders()}. */
  static List<Header> decodeHeaders(String text) {
    List<Header> headers = new ArrayList<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        headers.add(new Header(line.substring(0, colon), line.substring(colon + 2)));
      }
    }
    return headers;
  }
}
