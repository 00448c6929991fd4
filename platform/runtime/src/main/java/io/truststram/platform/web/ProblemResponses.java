package io.truststram.platform.web;

import io.truststram.common.problem.ProblemType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem document straight to a servlet response, for servlet filters that answer before
 * Spring MVC's exception handling is reached.
 */
public final class ProblemResponses {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ProblemResponses() {}

  /** Writes {@code type} with {@code detail} for the request at {@code path}. */
  public static void write(
      HttpServletResponse response, ProblemType type, String detail, String path)
      throws IOException {
    response.setStatus(type.status());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(json(type, detail, path).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The problem document of {@code type} with {@code detail} for {@code path}, as JSON text, with
   * the same members the MVC error handling renders (built by the same {@link Problems#of}).
   */
  public static String json(ProblemType type, String detail, String path) {
    ProblemDetail problem = Problems.of(type, detail, path);
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("type", String.valueOf(problem.getType()));
    members.put("title", problem.getTitle());
    members.put("status", problem.getStatus());
    members.put("detail", problem.getDetail());
    members.put("instance", String.valueOf(problem.getInstance()));
    if (problem.getProperties() != null) {
      members.putAll(problem.getProperties());
    }
    return JSON.writeValueAsString(members);
  }
}
