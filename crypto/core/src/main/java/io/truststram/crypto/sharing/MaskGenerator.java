package io.truststram.crypto.sharing;

import io.truststram.crypto.primitive.Hkdf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Expands a 32-byte seed into a mask of 32-bit words: AES-256 in counter mode, keyed by HKDF-SHA256
 * of the seed with a purpose label, encrypting zeros. Two parties with one seed and one label get
 * the same mask; without the seed it is indistinguishable from uniform. Masks add and subtract
 * modulo 2^32, so Java's wrapping {@code int} arithmetic is the ring.
 */
public final class MaskGenerator {

  private static final byte[] SALT =
      "truststram secure aggregation".getBytes(StandardCharsets.UTF_8);

  private MaskGenerator() {}

  /**
   * {@code length} words from {@code seed} for {@code label} (e.g. the round and the pair).
   *
   * @throws IllegalArgumentException for a seed that is not 32 bytes or a negative length
   */
  public static int[] expand(byte[] seed, String label, int length) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("a mask seed has 32 bytes, not " + seed.length);
    }
    if (length < 0) {
      throw new IllegalArgumentException("a mask has a length of 0 or more, not " + length);
    }
    byte[] key = Hkdf.sha256(seed, SALT, label.getBytes(StandardCharsets.UTF_8), 32);
    try {
      Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
      byte[] stream = aes.doFinal(new byte[Math.multiplyExact(length, 4)]);
      int[] words = new int[length];
      ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(words);
      return words;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is not available", e);
    }
  }

  /**
   * Adds (or with {@code subtract}, subtracts) the mask of {@code seed} and {@code label} to {@code
   * values} in place, modulo 2^{@code bits}: each word of the mask is {@code ceil(bits / 8)} bytes
   * of the AES-CTR stream, little-endian, reduced modulo 2^bits, so a 32-bit ring costs the stream
   * of {@link #expand}. The values must already be reduced; they stay reduced. The stream is made
   * in blocks, so a model of a billion parameters needs no second copy.
   *
   * @throws IllegalArgumentException for a seed that is not 32 bytes or bits outside 1 to 64
   */
  public static void apply(byte[] seed, String label, long[] values, int bits, boolean subtract) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("a mask seed has 32 bytes, not " + seed.length);
    }
    if (bits < 1 || bits > 64) {
      throw new IllegalArgumentException("a ring has 1 to 64 bits, not " + bits);
    }
    int width = (bits + 7) / 8;
    long modulusMask = bits == 64 ? -1L : (1L << bits) - 1;
    byte[] key = Hkdf.sha256(seed, SALT, label.getBytes(StandardCharsets.UTF_8), 32);
    try {
      Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
      int blockWords = 8192;
      byte[] zeros = new byte[blockWords * width];
      byte[] stream = new byte[zeros.length];
      for (int start = 0; start < values.length; start += blockWords) {
        int words = Math.min(blockWords, values.length - start);
        aes.update(zeros, 0, words * width, stream, 0);
        for (int w = 0; w < words; w++) {
          long word = 0;
          int base = w * width;
          for (int b = width - 1; b >= 0; b--) {
            word = (word << 8) | (stream[base + b] & 0xFF);
          }
          int i = start + w;
          values[i] = (subtract ? values[i] - word : values[i] + word) & modulusMask;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is not available", e);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }

  /** Adds {@code mask} to {@code values} in place, modulo 2^32. */
  public static void add(int[] values, int[] mask) {
    requireSameLength(values, mask);
    for (int i = 0; i < values.length; i++) {
      values[i] += mask[i];
    }
  }

  /** Subtracts {@code mask} from {@code values} in place, modulo 2^32. */
  public static void subtract(int[] values, int[] mask) {
    requireSameLength(values, mask);
    for (int i = 0; i < values.length; i++) {
      values[i] -= mask[i];
    }
  }

  private static void requireSameLength(int[] values, int[] mask) {
    if (values.length != mask.length) {
      throw new IllegalArgumentException(
          "a mask of " + mask.length + " words for " + values.length + " values");
    }
  }
}
