/**
 * TrustStram's shared kernel: identifiers, tenancy, problem types, paging and the cache port.
 *
 * <p>Plain Java on purpose: every core module, service and SDK may depend on it, so it holds only
 * values and small interfaces that all of them agree on.
 */
@NullMarked
package io.truststram.common;

import org.jspecify.annotations.NullMarked;
