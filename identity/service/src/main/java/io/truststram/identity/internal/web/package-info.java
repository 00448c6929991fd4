/** The identity REST API and the browser pages of sign-in and account. */
@NullMarked
package io.truststram.identity.internal.web;

import org.jspecify.annotations.NullMarked;
