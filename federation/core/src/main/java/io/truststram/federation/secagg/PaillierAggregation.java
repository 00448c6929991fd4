package io.truststram.federation.secagg;

import io.truststram.crypto.homomorphic.Paillier;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Aggregation under Paillier encryption, the trust model FATE uses: clients encrypt their
 * quantised, weighted changes under the federation's public key; the coordinator multiplies
 * ciphertexts, which adds the plaintexts; a key holder (or a committee, by threshold decryption)
 * decrypts only the sum. No client needs to talk to another, and dropouts cost nothing, at a much
 * higher price in computation and bytes than SecAgg+.
 *
 * <p>Packing: a plaintext of a b-bit modulus carries ⌊(b − 2) / w⌋ slots of w bits, each slot a
 * value shifted to be non-negative, (q + half)·weight, with w wide enough that the sum of {@code
 * maxClients} such values does not carry into the next slot; the last slot of the last plaintext
 * holds the weight. The same {@link Quantizer} as SecAgg+ rounds the values, so the error bounds
 * are the same.
 *
 * @param publicKey the federation's public key
 * @param quantizer the clipping range and levels
 * @param maxWeight the largest weight (examples) of one client
 * @param maxClients the most clients whose ciphertexts are summed
 * @param length the model's values
 */
public record PaillierAggregation(
    Paillier.PublicKey publicKey, Quantizer quantizer, long maxWeight, int maxClients, int length) {

  public PaillierAggregation {
    if (maxWeight < 1 || maxClients < 1 || length < 1) {
      throw new IllegalArgumentException("weights, clients and the length are positive");
    }
    if (slotBits(quantizer, maxWeight, maxClients) > 62) {
      throw new IllegalArgumentException(
          "a slot must hold the sum of "
              + maxClients
              + " inputs in 62 bits: lower secagg.levels or secagg.max-weight");
    }
    if (slots(publicKey, slotBits(quantizer, maxWeight, maxClients)) < 1) {
      throw new IllegalArgumentException("the Paillier modulus is too small for one slot");
    }
  }

  /** The bits of one slot: room for the sum of every client's largest value. */
  public int slotBits() {
    return slotBits(quantizer, maxWeight, maxClients);
  }

  private static int slotBits(Quantizer quantizer, long maxWeight, int maxClients) {
    BigInteger largest =
        BigInteger.valueOf(2 * quantizer.half())
            .multiply(BigInteger.valueOf(maxWeight))
            .multiply(BigInteger.valueOf(maxClients));
    return largest.bitLength() + 1;
  }

  private static int slots(Paillier.PublicKey key, int slotBits) {
    return (key.bits() - 2) / slotBits;
  }

  /** Values per ciphertext. */
  public int slotsPerCiphertext() {
    return slots(publicKey, slotBits());
  }

  /** Ciphertexts per client: the values and the weight. */
  public int ciphertexts() {
    return (length + 1 + slotsPerCiphertext() - 1) / slotsPerCiphertext();
  }

  /**
   * A client's encrypted input.
   *
   * @param ciphertexts the packed ciphertexts
   * @param clipped how many values were clipped to the range
   * @param weightCapped whether the weight was capped at the maximum
   */
  public record Encrypted(BigInteger[] ciphertexts, int clipped, boolean weightCapped) {}

  /** Encrypts {@code change} with weight {@code weight} (capped at the maximum). */
  public Encrypted encrypt(float[] change, long weight, SecureRandom random) {
    if (change.length != length) {
      throw new IllegalArgumentException(
          "the change has " + change.length + " values, not " + length);
    }
    long w = Math.max(1, Math.min(weight, maxWeight));
    Quantizer.Quantized q = quantizer.quantize(change, new SplittableRandom(random.nextLong()));
    long half = quantizer.half();
    int perCiphertext = slotsPerCiphertext();
    int width = slotBits();
    BigInteger[] out = new BigInteger[ciphertexts()];
    for (int c = 0; c < out.length; c++) {
      BigInteger plain = BigInteger.ZERO;
      for (int s = perCiphertext - 1; s >= 0; s--) {
        int index = c * perCiphertext + s;
        long slot;
        if (index < length) {
          slot = (q.values()[index] + half) * w;
        } else if (index == length) {
          slot = w;
        } else {
          slot = 0;
        }
        plain = plain.shiftLeft(width).add(BigInteger.valueOf(slot));
      }
      out[c] = publicKey.encrypt(plain, random);
    }
    return new Encrypted(out, q.clipped(), weight > maxWeight);
  }

  /** The bytes of one ciphertext on the wire: those of n². */
  public int ciphertextBytes() {
    return (publicKey.nSquared().bitLength() + 7) / 8;
  }

  /**
   * {@code input}'s binary form: the count of clipped values, 1 if the weight was capped (else 0),
   * then each ciphertext, big-endian.
   */
  public byte[] encode(Encrypted input) {
    int width = ciphertextBytes();
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + input.ciphertexts().length * width);
    out.putInt(input.clipped());
    out.putInt(input.weightCapped() ? 1 : 0);
    for (BigInteger c : input.ciphertexts()) {
      byte[] bytes = c.toByteArray();
      int start = bytes.length > width ? bytes.length - width : 0;
      out.position(out.position() + width - (bytes.length - start));
      out.put(bytes, start, bytes.length - start);
    }
    return out.array();
  }

  /**
   * An input from its binary form.
   *
   * @throws IllegalArgumentException for the wrong length or a value that is not a ciphertext
   */
  public Encrypted decode(byte[] bytes) {
    int width = ciphertextBytes();
    long expected = 8L + (long) ciphertexts() * width;
    if (bytes.length != expected) {
      throw new IllegalArgumentException(
          "an encrypted input of this federation has " + expected + " bytes, not " + bytes.length);
    }
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    int clipped = in.getInt();
    int capped = in.getInt();
    if (clipped < 0 || clipped > length || (capped != 0 && capped != 1)) {
      throw new IllegalArgumentException("the clipped count or the weight flag is out of range");
    }
    BigInteger[] out = new BigInteger[ciphertexts()];
    byte[] buffer = new byte[width];
    for (int i = 0; i < out.length; i++) {
      in.get(buffer);
      out[i] = new BigInteger(1, buffer);
      if (!publicKey.isCiphertext(out[i])) {
        throw new IllegalArgumentException("value " + i + " is not a ciphertext of the key");
      }
    }
    return new Encrypted(out, clipped, capped == 1);
  }

  /** Adds {@code input} into {@code sum} (null for the first), ciphertext by ciphertext. */
  public BigInteger[] add(BigInteger[] sum, BigInteger[] input) {
    if (input.length != ciphertexts()) {
      throw new IllegalArgumentException(
          "an input has " + ciphertexts() + " ciphertexts, not " + input.length);
    }
    if (sum == null) {
      for (BigInteger c : input) {
        if (!publicKey.isCiphertext(c)) {
          throw new IllegalArgumentException("an input holds a value that is not a ciphertext");
        }
      }
      return input.clone();
    }
    BigInteger[] out = new BigInteger[sum.length];
    for (int i = 0; i < sum.length; i++) {
      if (!publicKey.isCiphertext(input[i])) {
        throw new IllegalArgumentException("an input holds a value that is not a ciphertext");
      }
      out[i] = publicKey.add(sum[i], input[i]);
    }
    return out;
  }

  /** The weighted mean and total weight of the decrypted sum of {@code clients} inputs. */
  public record Mean(float[] mean, long weight) {}

  /**
   * The weighted mean from the decrypted plaintexts of a sum of {@code clients} inputs.
   *
   * @throws IllegalArgumentException when a slot or the weight is out of range (a wrong decryption,
   *     or an input that was not well formed)
   */
  public Mean decode(BigInteger[] plaintexts, int clients) {
    int perCiphertext = slotsPerCiphertext();
    int width = slotBits();
    BigInteger mask = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
    long[] slots = new long[ciphertexts() * perCiphertext];
    for (int c = 0; c < plaintexts.length; c++) {
      BigInteger plain = plaintexts[c];
      for (int s = 0; s < perCiphertext; s++) {
        slots[c * perCiphertext + s] = plain.and(mask).longValueExact();
        plain = plain.shiftRight(width);
      }
      if (plain.signum() != 0) {
        throw new IllegalArgumentException("plaintext " + c + " overflows its slots");
      }
    }
    for (int i = length + 1; i < slots.length; i++) {
      if (slots[i] != 0) {
        throw new IllegalArgumentException("an unused slot of the decrypted sum is not zero");
      }
    }
    long weight = slots[length];
    if (weight < clients || weight > clients * maxWeight) {
      throw new IllegalArgumentException(
          "the decrypted weight " + weight + " cannot be the sum of " + clients + " weights");
    }
    long half = quantizer.half();
    float[] mean = new float[length];
    for (int i = 0; i < length; i++) {
      long centred = slots[i] - half * weight;
      if (Math.abs(centred) > half * weight) {
        throw new IllegalArgumentException("slot " + i + " of the decrypted sum is out of range");
      }
      mean[i] = (float) quantizer.dequantize(centred, weight);
    }
    return new Mean(mean, weight);
  }
}
