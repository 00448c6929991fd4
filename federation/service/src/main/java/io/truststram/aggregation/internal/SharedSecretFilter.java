package io.truststram.aggregation.internal;

import io.truststram.common.problem.ProblemTypes;
import io.truststram.platform.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets in the coordinators that present the shards' shared secret as a bearer credential, compared
 * in constant time; answers everyone else 401 with a problem document. Run it behind TLS (a service
 * mesh's mTLS in Kubernetes), as the secret travels in the request.
 */
final class SharedSecretFilter extends OncePerRequestFilter {

  static final String AUTHORITY = "aggregation:fold";

  private final byte[] expected;

  SharedSecretFilter(String secret) {
    this.expected = ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (expected.length == "Bearer ".length()) {
      reject(
          request,
          response,
          "This process serves no aggregation shard: truststram.aggregation.secret is not set.");
      return;
    }
    if (header == null
        || !MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
      reject(request, response, "Aggregation shards take calls from coordinators only.");
      return;
    }
    SecurityContextHolder.getContext()
        .setAuthentication(
            UsernamePasswordAuthenticationToken.authenticated(
                "aggregation-coordinator", null, List.of(new SimpleGrantedAuthority(AUTHORITY))));
    try {
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }

  private static void reject(
      HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
    response.setHeader("WWW-Authenticate", "Bearer realm=\"truststram-aggregation\"");
    ProblemResponses.write(response, ProblemTypes.UNAUTHORIZED, detail, request.getRequestURI());
  }
}
