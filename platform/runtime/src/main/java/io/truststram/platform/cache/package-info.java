/** Adapters of the {@link io.truststram.common.cache.CacheStore} port and their health. */
@NullMarked
package io.truststram.platform.cache;

import org.jspecify.annotations.NullMarked;
