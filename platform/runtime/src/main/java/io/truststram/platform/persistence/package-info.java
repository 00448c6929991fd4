/** Per-module Flyway migrations, each module with its own history table. */
@NullMarked
package io.truststram.platform.persistence;

import org.jspecify.annotations.NullMarked;
