/**
 * What a transformer's attention says about its inputs: attention rollout and attention flow (Abnar
 * and Zuidema 2020) over the per-layer attention weights a runtime gives.
 */
@NullMarked
package io.truststram.explain.attention;

import org.jspecify.annotations.NullMarked;
