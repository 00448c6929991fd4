/** Tree ensembles: their import from XGBoost's JSON and their exact Shapley values (TreeSHAP). */
@NullMarked
package io.truststram.explain.tree;

import org.jspecify.annotations.NullMarked;
