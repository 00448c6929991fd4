/** Test support shared by the server's integration and end-to-end tests. */
@NullMarked
package io.truststram.platform.testing;

import org.jspecify.annotations.NullMarked;
