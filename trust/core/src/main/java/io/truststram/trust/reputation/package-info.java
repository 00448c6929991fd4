/** Reputation from evidence: the Beta reputation system (Jøsang and Ismail 2002). */
@NullMarked
package io.truststram.trust.reputation;

import org.jspecify.annotations.NullMarked;
