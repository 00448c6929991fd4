/**
 * Aggregation sharded by parameter range across separate processes: the messages a coordinator and
 * its aggregation shards exchange, the shard's side (sessions folding one range of one round), and
 * the coordinator's side ({@link io.truststram.federation.sharding.ShardedStrategy}, a strategy
 * whose folds run on the shards). Plain Java; the transport is a port.
 */
@NullMarked
package io.truststram.federation.sharding;

import org.jspecify.annotations.NullMarked;
