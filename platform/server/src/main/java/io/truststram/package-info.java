/** The TrustStram server application; each sub-package is an application module. */
@NullMarked
package io.truststram;

import org.jspecify.annotations.NullMarked;
