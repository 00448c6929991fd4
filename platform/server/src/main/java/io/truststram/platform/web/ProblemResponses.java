package io.truststram.platform.web;

import io.truststram.common.problem.ProblemType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
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

  /** The problem document of {@code type} with {@code detail} for {@code path}, as JSON text. */
  public static String json(ProblemType type, String detail, String path) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", type.uri().toString());
    problem.put("title", type.title());
    problem.put("status", type.status());
    problem.put("detail", detail);
    problem.put("instance", path);
    return JSON.writeValueAsString(problem);
  }
}
