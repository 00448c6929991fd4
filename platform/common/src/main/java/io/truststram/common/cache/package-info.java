/** The cache port ({@link io.truststram.common.cache.CacheStore}) and its in-process adapter. */
@NullMarked
package io.truststram.common.cache;

import org.jspecify.annotations.NullMarked;
