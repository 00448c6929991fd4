/**
 * The trust graph and the scores that propagate through it: a compressed-sparse-row graph engine,
 * EigenTrust (Kamvar, Schlosser and Garcia-Molina 2003), PageRank with personalisation, SybilRank
 * (Cao et al. 2012), and explanations of a score by what flows into it.
 */
@NullMarked
package io.truststram.trust.graph;

import org.jspecify.annotations.NullMarked;
