package io.truststram.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than {@code truststram.http.max-request-body} with 413.
 *
 * <p>A declared {@code Content-Length} over the limit is refused before anything reads the body. A
 * body without one (chunked) is counted as it is read, and reading fails once it passes the limit,
 * so a client cannot stream an unbounded body into a JSON parser. Binary bodies that endpoints
 * stream ({@link StreamedBodies}) are limited by those endpoints instead.
 */
final class RequestBodyLimitFilter extends OncePerRequestFilter {

  private final long limit;

  RequestBodyLimitFilter(long limit) {
    this.limit = limit;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (StreamedBodies.isStreamed(request)) {
      chain.doFilter(request, response);
      return;
    }
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      response.sendError(
          HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "Request body of " + declared + " bytes exceeds the limit of " + limit + " bytes");
      return;
    }
    chain.doFilter(declared >= 0 ? request : new CountingRequest(request, limit), response);
  }

  private static final class CountingRequest extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    CountingRequest(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CountingInputStream(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  private static final class CountingInputStream extends ServletInputStream {
    private final ServletInputStream delegate;
    private final long limit;
    private long count;

    CountingInputStream(ServletInputStream delegate, long limit) {
      this.delegate = delegate;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = delegate.read();
      if (b >= 0) {
        advance(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = delegate.read(buffer, offset, length);
      if (n > 0) {
        advance(n);
      }
      return n;
    }

    private void advance(long n) throws IOException {
      count += n;
      if (count > limit) {
        throw new RequestBodyTooLargeException(limit);
      }
    }

    @Override
    public boolean isFinished() {
      return delegate.isFinished();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      delegate.setReadListener(listener);
    }
  }
}
