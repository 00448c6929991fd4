package io.truststram.platform.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Writes the conventions every endpoint shares into the OpenAPI document, so that generated clients
 * know them: the {@code Idempotency-Key} header on mutating operations, and RFC 9457 problem
 * responses ({@code application/problem+json}) for the errors any endpoint can return.
 */
final class ApiConventionsOpenApiCustomizer implements OpenApiCustomizer {

  static final String PROBLEM_SCHEMA = "Problem";

  private static final Set<PathItem.HttpMethod> MUTATING =
      Set.of(
          PathItem.HttpMethod.POST,
          PathItem.HttpMethod.PUT,
          PathItem.HttpMethod.PATCH,
          PathItem.HttpMethod.DELETE);

  private static final Map<String, String> ANY_ENDPOINT =
      Map.of(
          "400", "The request is malformed or invalid",
          "500", "Unexpected error; the body carries an errorId",
          "503", "A backing system is unreachable; retry after Retry-After");

  private static final Map<String, String> MUTATING_ENDPOINT =
      Map.of(
          "409", "Conflict, or a request with the same Idempotency-Key is still running",
          "413", "Request body too large",
          "415", "Unsupported Content-Type",
          "422", "The Idempotency-Key was used with a different request");

  @Override
  public void customise(OpenAPI openApi) {
    openApi.getComponents().addSchemas(PROBLEM_SCHEMA, problemSchema());
    if (openApi.getPaths() == null) {
      return;
    }
    openApi
        .getPaths()
        .forEach(
            (path, item) -> {
              if (!path.startsWith("/api/")) {
                return;
              }
              item.readOperationsMap()
                  .forEach(
                      (method, operation) -> {
                        addProblems(operation, ANY_ENDPOINT);
                        if (MUTATING.contains(method)) {
                          addProblems(operation, MUTATING_ENDPOINT);
                          operation.addParametersItem(idempotencyKey());
                        }
                      });
            });
  }

  private static void addProblems(Operation operation, Map<String, String> problems) {
    if (operation.getResponses() == null) {
      operation.setResponses(new ApiResponses());
    }
    problems.forEach(
        (status, description) -> {
          // Replace what springdoc inferred (from exception handlers, as */*): errors are problems.
          ApiResponse existing = operation.getResponses().get(status);
          operation
              .getResponses()
              .addApiResponse(
                  status,
                  new ApiResponse()
                      .description(existing == null ? description : existing.getDescription())
                      .content(problemContent()));
        });
  }

  private static Content problemContent() {
    return new Content()
        .addMediaType(
            org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
            new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA)));
  }

  private static HeaderParameter idempotencyKey() {
    var parameter = new HeaderParameter();
    parameter.setName("Idempotency-Key");
    parameter.setRequired(false);
    parameter.setDescription(
        "1-255 visible ASCII characters. A retry with the same key and request gets the first"
            + " response again (with Idempotent-Replayed: true) instead of repeating the operation."
            + " See docs/api.md.");
    parameter.setSchema(new StringSchema().minLength(1).maxLength(255));
    return parameter;
  }

  private static Schema<?> problemSchema() {
    return new ObjectSchema()
        .description("RFC 9457 problem details; see docs/problems.md for the types")
        .addProperty("type", new StringSchema().format("uri").description("Stable error type"))
        .addProperty("title", new StringSchema())
        .addProperty("status", new IntegerSchema())
        .addProperty("detail", new StringSchema())
        .addProperty("instance", new StringSchema().format("uri-reference"))
        .addProperty(
            "errorId", new StringSchema().description("Present on 5xx: find it in the log"));
  }
}
