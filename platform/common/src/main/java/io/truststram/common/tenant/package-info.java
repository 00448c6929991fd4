/** Tenants (organisations) as identifiers, and the current-tenant context of a unit of work. */
@NullMarked
package io.truststram.common.tenant;

import org.jspecify.annotations.NullMarked;
