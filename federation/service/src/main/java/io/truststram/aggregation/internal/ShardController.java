package io.truststram.aggregation.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Hidden;
import io.truststram.aggregation.AggregationProblems;
import io.truststram.common.problem.ProblemException;
import io.truststram.federation.sharding.InvalidShardMessageException;
import io.truststram.federation.sharding.ShardMessages;
import io.truststram.federation.sharding.ShardSessionException;
import io.truststram.federation.sharding.ShardSessions;
import io.truststram.federation.strategy.RejectedUpdateException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A shard's sessions over HTTP: begin, fold (in sequence), finish, cancel. Internal: called by
 * coordinators with the shared secret, not part of the public API document.
 */
@Hidden
@RestController
@RequestMapping(ShardController.PATH)
class ShardController {

  static final String PATH = "/internal/aggregation/v1/sessions";

  private final ShardSessions sessions;
  private final int maxParameters;
  private final Counter begun;
  private final Counter folds;

  ShardController(ShardSessions sessions, AggregationSettings settings, MeterRegistry registry) {
    this.sessions = sessions;
    this.maxParameters = settings.maxParameters();
    this.begun =
        Counter.builder("truststram.aggregation.sessions.begun")
            .description("Aggregation sessions (one range of one round) begun on this shard")
            .register(registry);
    this.folds =
        Counter.builder("truststram.aggregation.folds")
            .description("Updates folded into a session on this shard")
            .register(registry);
    Gauge.builder("truststram.aggregation.sessions.open", sessions, ShardSessions::size)
        .description("Aggregation sessions open on this shard")
        .register(registry);
  }

  @PostMapping(path = "/{session}", consumes = ShardMessages.MEDIA_TYPE)
  ResponseEntity<Void> begin(@PathVariable String session, HttpServletRequest request)
      throws IOException {
    ShardMessages.Begin begin = read(() -> ShardMessages.readBegin(stream(request), maxParameters));
    requireSame(session, begin.session());
    call(() -> sessions.begin(begin));
    begun.increment();
    return ResponseEntity.status(HttpStatus.CREATED).build();
  }

  @PostMapping(path = "/{session}/updates", consumes = ShardMessages.MEDIA_TYPE)
  ResponseEntity<Void> fold(@PathVariable String session, HttpServletRequest request)
      throws IOException {
    ShardMessages.Fold fold = read(() -> ShardMessages.readFold(stream(request), maxParameters));
    requireSame(session, fold.session());
    call(() -> sessions.fold(fold));
    folds.increment();
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{session}/finish")
  void finish(@PathVariable String session, HttpServletResponse response) throws IOException {
    UUID id = parse(session);
    ShardMessages.Result[] result = new ShardMessages.Result[1];
    call(() -> result[0] = sessions.finish(id));
    response.setContentType(ShardMessages.MEDIA_TYPE);
    try (OutputStream out = response.getOutputStream()) {
      ShardMessages.write(result[0], out);
    }
  }

  @DeleteMapping("/{session}")
  ResponseEntity<Void> cancel(@PathVariable String session) {
    if (!sessions.cancel(parse(session))) {
      throw new ProblemException(
          AggregationProblems.SESSION_NOT_FOUND, "no aggregation session " + session);
    }
    return ResponseEntity.noContent().build();
  }

  private static java.io.InputStream stream(HttpServletRequest request) throws IOException {
    return request.getInputStream();
  }

  private interface Reading<T> {
    T read() throws IOException;
  }

  private static <T> T read(Reading<T> reading) throws IOException {
    try {
      return reading.read();
    } catch (InvalidShardMessageException e) {
      throw new ProblemException(AggregationProblems.INVALID_MESSAGE, e.getMessage());
    }
  }

  private static void call(Runnable action) {
    try {
      action.run();
    } catch (ShardSessionException e) {
      throw new ProblemException(
          switch (e.reason()) {
            case NOT_FOUND -> AggregationProblems.SESSION_NOT_FOUND;
            case OUT_OF_SEQUENCE -> AggregationProblems.OUT_OF_SEQUENCE;
            case BUSY -> AggregationProblems.BUSY;
            case INVALID -> AggregationProblems.INVALID_MESSAGE;
          },
          e.getMessage());
    } catch (RejectedUpdateException e) {
      throw new ProblemException(AggregationProblems.REJECTED_UPDATE, e.getMessage());
    }
  }

  private static void requireSame(String path, UUID inBody) {
    if (!parse(path).equals(inBody)) {
      throw new ProblemException(
          AggregationProblems.INVALID_MESSAGE,
          "the session in the path is not the message's (" + inBody + ")");
    }
  }

  private static UUID parse(String session) {
    try {
      return UUID.fromString(session);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          AggregationProblems.SESSION_NOT_FOUND, "'" + session + "' is not a session id");
    }
  }
}
