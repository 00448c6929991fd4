/** The shard's HTTP endpoints, their authentication and configuration. */
@NullMarked
package io.truststram.aggregation.internal;

import org.jspecify.annotations.NullMarked;
