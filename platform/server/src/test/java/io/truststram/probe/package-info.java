/**
 * A test-only service, so that tests can select one service and leave another out. It exists only
 * on the test class path.
 */
@NullMarked
package io.truststram.probe;

import org.jspecify.annotations.NullMarked;
