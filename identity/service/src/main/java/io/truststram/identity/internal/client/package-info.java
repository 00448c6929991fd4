/** OAuth clients acting for themselves (client credentials). */
@NullMarked
package io.truststram.identity.internal.client;

import org.jspecify.annotations.NullMarked;
