/**
 * Secure aggregation: SecAgg+ (Bell et al. 2020) and SecAgg (Bonawitz et al. 2017) with
 * post-quantum keys. {@link io.truststram.federation.secagg.SecAggClient} is a client's side, stage
 * by stage; {@link io.truststram.federation.secagg.SecAggServer} the coordinator's; {@link
 * io.truststram.federation.secagg.SecAggMessages} what crosses the network between them; {@link
 * io.truststram.federation.secagg.SecAggLoopback} runs whole rounds in one process for tests and
 * measurements. Quantisation ({@link io.truststram.federation.secagg.Quantizer}) and distributed
 * discrete Gaussian noise ({@link io.truststram.federation.secagg.DiscreteGaussian}) happen on the
 * client, so the coordinator never sees an un-noised or unmasked update.
 */
@NullMarked
package io.truststram.federation.secagg;

import org.jspecify.annotations.NullMarked;
