package io.truststram.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.ServerIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Authentication alone is not enough for an API endpoint: each handler under {@code /api} declares
 * the permission it needs with {@code @PreAuthorize}, naming a real permission. A new endpoint
 * without one fails this test rather than shipping open to every token holder.
 */
class EveryEndpointDeclaresItsPermissionTest extends ServerIntegrationTest {

  private static final Pattern AUTHORITY = Pattern.compile("hasAuthority\\('([^']+)'\\)");

  /** Handlers that any authenticated caller may use, each for a stated reason. */
  private static final List<String> OPEN_TO_ANY_CALLER =
      List.of(
          // Who am I: every token may read its own claims.
          "IdentityApi#me",
          // A user changes their own password; the handler refuses clients.
          "IdentityApi#changePassword",
          // The test-only probe service.
          "ProbeController#probe");

  @Test
  void everyApiHandlerRequiresAKnownPermission() {
    RequestMappingHandlerMapping mapping =
        context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
    List<String> problems = new ArrayList<>();
    int api = 0;
    for (var entry : mapping.getHandlerMethods().entrySet()) {
      boolean underApi =
          entry.getKey().getPatternValues().stream().anyMatch(p -> p.startsWith("/api/"));
      if (!underApi) {
        continue;
      }
      api++;
      HandlerMethod handler = entry.getValue();
      String name = handler.getBeanType().getSimpleName() + "#" + handler.getMethod().getName();
      PreAuthorize rule =
          AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), PreAuthorize.class);
      if (rule == null) {
        rule =
            AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), PreAuthorize.class);
      }
      if (rule == null) {
        if (!OPEN_TO_ANY_CALLER.contains(name)) {
          problems.add(name + " has no @PreAuthorize");
        }
        continue;
      }
      var matcher = AUTHORITY.matcher(rule.value());
      boolean named = false;
      while (matcher.find()) {
        named = true;
        if (Permission.parse(matcher.group(1)).isEmpty()) {
          problems.add(name + " names unknown permission " + matcher.group(1));
        }
      }
      if (!named && !OPEN_TO_ANY_CALLER.contains(name)) {
        problems.add(name + " does not name a permission: " + rule.value());
      }
    }
    assertThat(api).isGreaterThan(5);
    assertThat(problems).isEmpty();
  }
}
