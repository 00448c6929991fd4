/** Attribute-based access policies per tenant: the rules, their evaluation and explanation. */
@NullMarked
package io.truststram.identity.internal.policy;

import org.jspecify.annotations.NullMarked;
