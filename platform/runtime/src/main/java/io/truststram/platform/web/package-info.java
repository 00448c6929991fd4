/** HTTP edge rules shared by every service: RFC 9457 problem documents and request body limits. */
@NullMarked
package io.truststram.platform.web;

import org.jspecify.annotations.NullMarked;
