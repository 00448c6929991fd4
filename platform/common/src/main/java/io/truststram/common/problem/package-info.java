/** RFC 9457 problem types and the exception that carries one to the edge. */
@NullMarked
package io.truststram.common.problem;

import org.jspecify.annotations.NullMarked;
