package io.truststram.federation.privacy;

/**
 * The privacy a mechanism has spent.
 *
 * @param epsilon the smallest ε over the orders tried, for the δ asked
 * @param delta the δ asked for
 * @param order the Rényi order α that gave it
 * @param accountant the accountant that computed it ({@code rdp})
 * @param conversion how RDP became (ε, δ)
 */
public record PrivacySpent(
    double epsilon, double delta, double order, String accountant, Conversion conversion) {}
