package io.truststram.identity.internal.web;

import static io.truststram.identity.internal.web.Html.csrf;
import static io.truststram.identity.internal.web.Html.escape;
import static io.truststram.identity.internal.web.Html.page;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Where a user approves a device sign-in (RFC 8628), such as {@code truststram login} on a machine
 * without a browser: the page shows the code and asks for an explicit, CSRF-protected approval.
 * Spring Authorization Server's verification endpoint would approve on a mere GET with the code, so
 * that a link could approve a stranger's device for a signed-in victim; {@link Guard} lets a
 * verification through only right after the user approved that very code on this page.
 */
@Controller
public class DevicePages {

  static final String PAGE = "/device";
  static final String VERIFICATION_ENDPOINT = "/oauth2/device_verification";

  private static final String APPROVED = DevicePages.class.getName() + ".approvedCode";

  private static final org.springframework.security.oauth2.server.authorization.OAuth2TokenType
      USER_CODE =
          new org.springframework.security.oauth2.server.authorization.OAuth2TokenType("user_code");

  private final org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService
      authorizations;
  private final org.springframework.security.oauth2.server.authorization.client
          .RegisteredClientRepository
      clients;

  DevicePages(
      org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService
          authorizations,
      org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository
          clients) {
    this.authorizations = authorizations;
    this.clients = clients;
  }

  /**
   * What the device asking with {@code code} is: its client's name and the scopes it asked for (RFC
   * 8628, section 5.4: show the user what they are approving), or null for an unknown code.
   */
  private @Nullable String requester(String code) {
    var authorization = authorizations.findByToken(code, USER_CODE);
    if (authorization == null) {
      return null;
    }
    var client = clients.findById(authorization.getRegisteredClientId());
    if (client == null) {
      return null;
    }
    Object scopes =
        authorization.getAttribute(
            org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames.SCOPE);
    return "<p>Asking: <b>"
        + escape(client.getClientName())
        + "</b>"
        + (scopes instanceof java.util.Collection<?> list && !list.isEmpty()
            ? ", for "
                + escape(String.join(", ", list.stream().map(String::valueOf).sorted().toList()))
            : "")
        + "</p>";
  }

  @GetMapping(path = PAGE, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> form(
      @RequestParam(name = "user_code", required = false) @Nullable String userCode,
      @RequestParam(required = false) @Nullable String approved,
      @RequestParam(required = false) @Nullable String error,
      HttpServletRequest request) {
    if (approved != null) {
      return html(
          HttpStatus.OK,
          page(
              "Device signed in",
              "<p>Done: the device is signed in. You can close this page.</p>"));
    }
    String message =
        error == null
            ? ""
            : "<p class=\"error\">That code is unknown, already used or expired. Start the sign-in"
                + " on the device again.</p>";
    String code = userCode == null || normalize(userCode) == null ? "" : normalize(userCode);
    String requester = code.isEmpty() ? null : requester(code);
    return html(
        error == null ? HttpStatus.OK : HttpStatus.BAD_REQUEST,
        page(
            "Sign in a device",
            message
                + (requester == null ? "" : requester)
                + "<p>Approve only a code that a device you are signing in yourself shows you. The"
                + " device then acts as you.</p><form method=\"post\" action=\""
                + escape(request.getContextPath() + PAGE)
                + "\"><label for=\"user_code\">Code shown on the device</label>"
                + "<input id=\"user_code\" name=\"user_code\" required maxlength=\"20\""
                + " autocomplete=\"off\" autocapitalize=\"characters\" value=\""
                + escape(code)
                + "\">"
                + csrf(request)
                + "<button type=\"submit\">Approve</button></form>"));
  }

  @PostMapping(path = PAGE, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> approve(
      @RequestParam(name = "user_code", defaultValue = "") String userCode,
      HttpServletRequest request) {
    String code = normalize(userCode);
    if (code == null) {
      return form(null, null, "", request);
    }
    request.getSession().setAttribute(APPROVED, code);
    return ResponseEntity.status(HttpStatus.FOUND)
        .header(
            "Location",
            request.getContextPath()
                + VERIFICATION_ENDPOINT
                + "?user_code="
                + URLEncoder.encode(code, StandardCharsets.UTF_8))
        .build();
  }

  /** A user code in Spring Authorization Server's form ({@code ABCD-EFGH}), or null. */
  static @Nullable String normalize(String userCode) {
    String letters = userCode.toUpperCase(Locale.ENGLISH).replaceAll("[^A-Z\\d]+", "");
    return letters.length() == 8 ? letters.substring(0, 4) + "-" + letters.substring(4) : null;
  }

  private static ResponseEntity<String> html(HttpStatus status, String body) {
    return ResponseEntity.status(status)
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .header("Cache-Control", "no-store")
        .body(body);
  }

  /**
   * In front of the verification endpoint: a user code is verified only when the user approved it
   * on the device page just before (once); otherwise the browser is sent to that page.
   */
  public static final class Guard extends OncePerRequestFilter {
    private static final org.springframework.security.web.util.matcher.RequestMatcher ENDPOINT =
        org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher
            .withDefaults()
            .matcher(VERIFICATION_ENDPOINT);

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String userCode = request.getParameter("user_code");
      // The endpoint's own matcher decides (on the decoded path, as Spring Authorization Server's
      // does), so that an encoded path such as device%5Fverification cannot slip past.
      if (!ENDPOINT.matches(request) || userCode == null || request.getParameter("state") != null) {
        chain.doFilter(request, response);
        return;
      }
      HttpSession session = request.getSession(false);
      Object approved = session == null ? null : session.getAttribute(APPROVED);
      if (session != null) {
        session.removeAttribute(APPROVED);
      }
      String code = normalize(userCode);
      if (code == null || !code.equals(approved)) {
        response.sendRedirect(
            request.getContextPath()
                + PAGE
                + (code == null
                    ? ""
                    : "?user_code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)));
        return;
      }
      chain.doFilter(request, response);
    }
  }
}
