/**
 * The Java SDK of TrustStram. {@link io.truststram.sdk.FederationNode} connects a {@link
 * io.truststram.federation.FederatedClient} to a coordinator and trains in its rounds; {@link
 * io.truststram.sdk.TrustStramApi} creates and watches federations.
 */
@NullMarked
package io.truststram.sdk;

import org.jspecify.annotations.NullMarked;
