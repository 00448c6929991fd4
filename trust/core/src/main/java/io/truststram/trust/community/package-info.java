/** Communities of the trust graph: modularity and the Louvain method (Blondel et al. 2008). */
@NullMarked
package io.truststram.trust.community;

import org.jspecify.annotations.NullMarked;
