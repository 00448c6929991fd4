package io.truststram.federation.sharding;

import io.truststram.federation.sharding.ShardSessionException.Reason;
import io.truststram.federation.strategy.RoundAggregation;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The shard's side: the open sessions, each folding one parameter range of one round with its own
 * instance of the round's strategy, built over that range.
 *
 * <p>A strategy that is {@link Strategy#separable() separable} computes every parameter from that
 * parameter's values and the updates' scalars alone, so the session's result is exactly the range
 * of the result the whole model would give. Folds must arrive in sequence (1, 2, 3 ...): a gap or a
 * repeat means the coordinator and the shard no longer agree on what was folded, and the session
 * refuses it so the coordinator can fold the round again from its stored updates.
 *
 * <p>A group (a federation) has one session at most: beginning a new one drops the old, which is
 * how the sessions of abandoned rounds go away. Sessions idle longer than the timeout expire.
 * Thread-safe.
 */
public final class ShardSessions {

  private final Strategies strategies;
  private final int maxSessions;
  private final Duration idleTimeout;
  private final Clock clock;
  private final Map<UUID, Session> sessions = new HashMap<>();
  private final Map<String, UUID> byGroup = new HashMap<>();

  public ShardSessions(Strategies strategies, int maxSessions, Duration idleTimeout, Clock clock) {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be at least 1");
    }
    this.strategies = strategies;
    this.maxSessions = maxSessions;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  /**
   * Opens {@code begin}'s session, replacing the group's previous one.
   *
   * @throws ShardSessionException {@link Reason#INVALID} for a strategy that is unknown, badly
   *     configured or not separable, or state it does not keep; {@link Reason#BUSY} when full
   */
  public void begin(ShardMessages.Begin begin) {
    Strategy strategy;
    try {
      strategy = strategies.create(begin.strategy(), begin.parameters());
      if (!strategy.separable()) {
        throw new IllegalArgumentException(
            "strategy " + begin.strategy() + " cannot be aggregated by parameter range");
      }
      strategy.restoreServerState(begin.state());
    } catch (IllegalArgumentException e) {
      throw new ShardSessionException(Reason.INVALID, e.getMessage());
    }
    RoundAggregation aggregation = strategy.beginRound(begin.round(), begin.global());
    synchronized (this) {
      expire();
      UUID previous = byGroup.remove(begin.group());
      if (previous != null) {
        sessions.remove(previous);
      }
      sessions.remove(begin.session());
      if (sessions.size() >= maxSessions) {
        throw new ShardSessionException(
            Reason.BUSY, "this shard already holds " + maxSessions + " sessions");
      }
      sessions.put(
          begin.session(), new Session(begin.group(), strategy, aggregation, clock.instant()));
      byGroup.put(begin.group(), begin.session());
    }
  }

  /**
   * Folds an update into its session.
   *
   * @throws ShardSessionException {@link Reason#NOT_FOUND} or {@link Reason#OUT_OF_SEQUENCE}
   * @throws io.truststram.federation.strategy.RejectedUpdateException when the strategy refuses it
   */
  public void fold(ShardMessages.Fold fold) {
    Session session = session(fold.session());
    synchronized (session) {
      long expected = session.aggregation.accepted() + 1L;
      if (fold.sequence() != expected) {
        throw new ShardSessionException(
            Reason.OUT_OF_SEQUENCE,
            "session " + fold.session() + " expects fold " + expected + ", got " + fold.sequence());
      }
      session.aggregation.accept(fold.update());
      session.touched = clock.instant();
    }
  }

  /**
   * Ends a session with its range of the next model and of the strategy's server state.
   *
   * @throws ShardSessionException {@link Reason#NOT_FOUND}
   */
  public ShardMessages.Result finish(UUID id) {
    Session session = session(id);
    synchronized (session) {
      remove(id);
      float[] next = session.aggregation.finish();
      return new ShardMessages.Result(
          session.aggregation.accepted(), next, session.strategy.serverState());
    }
  }

  /** Drops a session; whether there was one. */
  public synchronized boolean cancel(UUID id) {
    Session session = sessions.get(id);
    if (session == null) {
      return false;
    }
    remove(id);
    return true;
  }

  /** How many sessions are open. */
  public synchronized int size() {
    expire();
    return sessions.size();
  }

  private synchronized Session session(UUID id) {
    expire();
    Session session = sessions.get(id);
    if (session == null) {
      throw new ShardSessionException(
          Reason.NOT_FOUND, "no aggregation session " + id + " on this shard");
    }
    return session;
  }

  private synchronized void remove(UUID id) {
    Session session = sessions.remove(id);
    if (session != null) {
      byGroup.remove(session.group, id);
    }
  }

  private void expire() {
    Instant oldest = clock.instant().minus(idleTimeout);
    sessions
        .entrySet()
        .removeIf(
            entry -> {
              boolean idle = entry.getValue().touched.isBefore(oldest);
              if (idle) {
                byGroup.remove(entry.getValue().group, entry.getKey());
              }
              return idle;
            });
  }

  private static final class Session {
    final String group;
    final Strategy strategy;
    final RoundAggregation aggregation;
    volatile Instant touched;

    Session(String group, Strategy strategy, RoundAggregation aggregation, Instant touched) {
      this.group = group;
      this.strategy = strategy;
      this.aggregation = aggregation;
      this.touched = touched;
    }
  }
}
