/**
 * The security baseline every service runs behind: bearer-token authentication of {@code /api/**}
 * with JWT access tokens, the built-in roles and their permissions, the tenant bound from the
 * token, revocation, and problem+json answers for 401 and 403.
 *
 * <p>Services protect each endpoint with {@code @PreAuthorize("hasAuthority('<permission>')")}
 * using the names in {@link io.truststram.platform.security.Permission}, and read the caller with
 * {@link io.truststram.platform.security.CurrentPrincipal}.
 */
@NullMarked
@NamedInterface("security")
package io.truststram.platform.security;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
