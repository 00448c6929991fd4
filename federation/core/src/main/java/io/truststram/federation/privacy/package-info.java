/**
 * Differential privacy accounting: the Rényi-DP accountant of the sampled Gaussian mechanism
 * (Mironov, Talwar, Zhang 2019) with two conversions to (ε, δ), the classic bound and the tighter
 * one of Balle et al. 2020, and noise calibration to a target (ε, δ). Plain Java.
 */
@NullMarked
package io.truststram.federation.privacy;

import org.jspecify.annotations.NullMarked;
