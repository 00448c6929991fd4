/** Global explanations: mean |SHAP|, permutation importance, partial dependence and ICE. */
@NullMarked
package io.truststram.explain.global;

import org.jspecify.annotations.NullMarked;
