/** The truststram command line. */
@NullMarked
package io.truststram.cli;

import org.jspecify.annotations.NullMarked;
