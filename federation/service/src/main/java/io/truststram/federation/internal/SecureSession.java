package io.truststram.federation.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import io.truststram.federation.FederationProblems;
import io.truststram.federation.secagg.SecAggAbortedException;
import io.truststram.federation.secagg.SecAggMessages;
import io.truststram.federation.secagg.SecAggRound;
import io.truststram.federation.secagg.SecAggServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One secure aggregation (SecAgg or SecAgg+) among given nodes, outside the training rounds: its
 * server, the nodes in index order, and the deadline of its current stage. Nodes send their stage
 * messages ({@link #accept}) and fetch what the next stage gives them ({@link #fetch}); {@link
 * #tick} closes a stage when every node that is still in it reported, or at its deadline, and
 * unmasks after the last. The coordinator sees only the sum.
 *
 * <p>The stage messages' names and their decoding are shared with the training rounds' secure
 * aggregation ({@link #decode}, {@link #needed}, {@link #output}).
 */
final class SecureSession {

  private final SecAggServer server;
  private final List<UUID> clients;
  private final Duration stageTimeout;
  private Instant stageDeadline;
  private volatile CompletableFuture<Void> changed = new CompletableFuture<>();
  private SecAggServer.@Nullable Result result;

  SecureSession(SecAggRound round, List<UUID> clients, Duration stageTimeout, Instant now) {
    this.server = new SecAggServer(round);
    this.clients = List.copyOf(clients);
    this.stageTimeout = stageTimeout;
    this.stageDeadline = now.plus(stageTimeout);
  }

  SecAggRound round() {
    return server.round();
  }

  List<UUID> clients() {
    return clients;
  }

  Duration stageTimeout() {
    return stageTimeout;
  }

  /** The unmasked sum, once the session finished; null before, or when it aborted. */
  synchronized SecAggServer.@Nullable Result result() {
    return result;
  }

  /** Why it aborted, or null while it has not. */
  synchronized @Nullable String aborted() {
    return server.stage() == SecAggServer.Stage.ABORTED ? server.abortReason() : null;
  }

  synchronized void abort(String reason) {
    if (server.stage() != SecAggServer.Stage.DONE && server.stage() != SecAggServer.Stage.ABORTED) {
      server.abort(reason);
    }
    signal();
  }

  /**
   * Takes node {@code node}'s message for {@code stage} (keys, shares, masked, confirm, unmask).
   *
   * @throws ProblemException when the node is not in the session or the message is refused
   */
  void accept(UUID node, String stage, byte[] body, Instant now) {
    Object message = decode(stage, body);
    synchronized (this) {
      try {
        deliver(server, index(node), message, body);
      } catch (IllegalArgumentException e) {
        throw new ProblemException(FederationProblems.SECURE_MESSAGE_REFUSED, e.getMessage());
      }
      if (server.reported().size() == server.expected().size()) {
        advance(now);
      }
    }
  }

  /**
   * Hands client {@code index}'s decoded message (from {@link #decode}; {@code body} for the masked
   * input) to the server.
   *
   * @throws IllegalArgumentException when the server refuses it
   */
  static void deliver(SecAggServer server, int index, Object message, byte[] body) {
    SecAggRound round = server.round();
    switch (message) {
      case SecAggMessages.KeyBundle bundle -> server.acceptBundle(index, bundle);
      case SecAggMessages.SharePackage shares -> server.acceptShares(index, shares);
      case SecAggMessages.Confirmation confirmation ->
          server.acceptConfirmation(index, confirmation);
      case SecAggMessages.UnmaskResponse response -> server.acceptUnmask(index, response);
      default ->
          server.acceptMasked(
              index,
              SecAggMessages.MaskedInput.decode(
                  body, round.words(), round.parameters().modulusBits()));
    }
  }

  /**
   * What node {@code node} gets for {@code what} (bundles, boxes, survivors, request), waiting up
   * to {@code wait} for that stage to open; null when it did not.
   *
   * @throws ProblemException when the node is not in the session, the session aborted (with the
   *     reason), or that stage has passed
   */
  byte @Nullable [] fetch(UUID node, String what, Duration wait) throws InterruptedException {
    SecAggServer.Stage needed = needed(what);
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      CompletableFuture<Void> waitFor;
      synchronized (this) {
        int index = index(node);
        SecAggServer.Stage stage = server.stage();
        if (stage == SecAggServer.Stage.ABORTED) {
          throw new ProblemException(
              FederationProblems.SECURE_MESSAGE_REFUSED,
              "the secure aggregation aborted: " + server.abortReason());
        }
        if (stage == needed) {
          try {
            return output(server, index, needed);
          } catch (IllegalArgumentException e) {
            throw new ProblemException(FederationProblems.SECURE_MESSAGE_REFUSED, e.getMessage());
          }
        }
        if (stage.ordinal() > needed.ordinal()) {
          throw new ProblemException(
              FederationProblems.SECURE_MESSAGE_REFUSED,
              "the secure aggregation is past the stage of " + what);
        }
        waitFor = changed;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      try {
        waitFor.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return null;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Closes the current stage when every node still in it reported or its deadline passed; after the
   * last stage, unmasks. True once the session ended (finished or aborted).
   */
  synchronized boolean tick(Instant now) {
    SecAggServer.Stage stage = server.stage();
    if (stage == SecAggServer.Stage.DONE || stage == SecAggServer.Stage.ABORTED) {
      return true;
    }
    if (server.reported().size() == server.expected().size() || !now.isBefore(stageDeadline)) {
      advance(now);
    }
    stage = server.stage();
    return stage == SecAggServer.Stage.DONE || stage == SecAggServer.Stage.ABORTED;
  }

  private void advance(Instant now) {
    try {
      switch (server.stage()) {
        case ADVERTISE -> server.closeAdvertise();
        case SHARE -> server.closeShares();
        case MASK -> server.closeMasked();
        case CONFIRM -> server.closeConfirm();
        case UNMASK -> result = server.finish();
        default -> {
          return;
        }
      }
      stageDeadline = now.plus(stageTimeout);
    } catch (SecAggAbortedException e) {
      // The server recorded the reason; polls see it.
    } finally {
      signal();
    }
  }

  private void signal() {
    CompletableFuture<Void> previous = changed;
    changed = new CompletableFuture<>();
    previous.complete(null);
  }

  private int index(UUID node) {
    int index = clients.indexOf(node);
    if (index < 0) {
      throw new ProblemException(
          FederationProblems.NOT_SELECTED, "node " + node + " is not in this secure aggregation");
    }
    return index;
  }

  /**
   * A stage message decoded (the masked input stays bytes: it decodes against the round).
   *
   * @throws ProblemException for an unknown stage or a malformed message
   */
  static Object decode(String stage, byte[] body) {
    try {
      return switch (stage) {
        case "keys" -> SecAggMessages.KeyBundle.decode(body);
        case "shares" -> SecAggMessages.SharePackage.decode(body);
        case "confirm" -> SecAggMessages.Confirmation.decode(body);
        case "unmask" -> SecAggMessages.UnmaskResponse.decode(body);
        case "masked" -> body;
        default ->
            throw new ProblemException(
                ProblemTypes.INVALID_PARAMETER,
                "a secure round's stages are keys, shares, masked, confirm and unmask, not "
                    + stage);
      };
    } catch (IllegalArgumentException e) {
      throw new ProblemException(FederationProblems.SECURE_MESSAGE_REFUSED, e.getMessage());
    }
  }

  /** The stage that must be open for a node to fetch {@code what}. */
  static SecAggServer.Stage needed(String what) {
    return switch (what) {
      case "bundles" -> SecAggServer.Stage.SHARE;
      case "boxes" -> SecAggServer.Stage.MASK;
      case "survivors" -> SecAggServer.Stage.CONFIRM;
      case "request" -> SecAggServer.Stage.UNMASK;
      default ->
          throw new ProblemException(
              ProblemTypes.INVALID_PARAMETER,
              "a node fetches bundles, boxes, survivors or request, not " + what);
    };
  }

  /** What client {@code index} gets in stage {@code stage}, encoded. */
  static byte[] output(SecAggServer server, int index, SecAggServer.Stage stage) {
    return switch (stage) {
      case SHARE -> SecAggMessages.encodeBundles(server.bundlesFor(index));
      case MASK -> SecAggMessages.encodeBoxes(index, server.boxesFor(index));
      case CONFIRM -> SecAggMessages.encodeSurvivors(server.survivorsFor(index));
      default -> server.requestFor(index).encode();
    };
  }
}
